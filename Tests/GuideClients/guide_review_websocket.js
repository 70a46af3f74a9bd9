// The ReviewWebSocket class from ../shared/seed/WebSocket_Guide.md, copied unmodified.
// 连接到审查进度WebSocket
class ReviewWebSocket {
  constructor(taskId) {
    this.taskId = taskId;
    this.ws = null;
    this.reconnectAttempts = 0;
    this.maxReconnectAttempts = 5;
  }

  connect() {
    try {
      this.ws = new WebSocket(`ws://localhost:8000/ws/review/${this.taskId}`);
      
      this.ws.onopen = (event) => {
        console.log('WebSocket连接已建立');
        this.reconnectAttempts = 0;
        
        // 请求当前状态
        this.sendMessage({type: 'get_status'});
        
        // 开始心跳
        this.startHeartbeat();
      };
      
      this.ws.onmessage = (event) => {
        try {
          const data = JSON.parse(event.data);
          this.handleMessage(data);
        } catch (e) {
          console.error('解析消息失败:', e);
        }
      };
      
      this.ws.onerror = (error) => {
        console.error('WebSocket错误:', error);
      };
      
      this.ws.onclose = (event) => {
        console.log('WebSocket连接已关闭:', event.code, event.reason);
        this.stopHeartbeat();
        
        // 自动重连
        if (this.reconnectAttempts < this.maxReconnectAttempts) {
          setTimeout(() => {
            this.reconnectAttempts++;
            console.log(`尝试重连 (${this.reconnectAttempts}/${this.maxReconnectAttempts})`);
            this.connect();
          }, 3000);
        }
      };
      
    } catch (error) {
      console.error('连接失败:', error);
    }
  }

  sendMessage(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
    }
  }

  handleMessage(data) {
    switch (data.type) {
      case 'connection':
        console.log('连接确认:', data.message);
        break;
      case 'status':
        console.log('任务状态:', data);
        this.updateTaskStatus(data);
        break;
      case 'pong':
      case 'heartbeat_ack':
        console.log('心跳响应');
        break;
      case 'error':
        console.error('服务器错误:', data.message);
        break;
      default:
        if (data.stage) {
          // 进度更新
          console.log(`进度更新: ${data.stage} - ${data.progress}%`);
          this.updateProgress(data);
        }
    }
  }

  startHeartbeat() {
    this.heartbeatInterval = setInterval(() => {
      this.sendMessage({
        type: 'heartbeat',
        timestamp: Date.now()
      });
    }, 30000); // 每30秒发送一次心跳
  }

  stopHeartbeat() {
    if (this.heartbeatInterval) {
      clearInterval(this.heartbeatInterval);
      this.heartbeatInterval = null;
    }
  }

  updateTaskStatus(status) {
    // 更新UI显示任务状态
    document.getElementById('task-status').textContent = status.status;
    document.getElementById('contract-type').textContent = status.contract_type;
  }

  updateProgress(progress) {
    // 更新进度条
    const progressBar = document.getElementById('progress-bar');
    if (progressBar) {
      progressBar.style.width = `${progress.progress}%`;
    }
    
    // 更新状态文本
    const statusText = document.getElementById('status-text');
    if (statusText) {
      statusText.textContent = progress.message || `${progress.stage} - ${progress.progress}%`;
    }
  }

  disconnect() {
    this.stopHeartbeat();
    if (this.ws) {
      this.ws.close();
      this.ws = null;
    }
  }
}

// 使用示例
const reviewWS = new ReviewWebSocket(123);
reviewWS.connect();

// 页面关闭时断开连接
window.addEventListener('beforeunload', () => {
  reviewWS.disconnect();
});
