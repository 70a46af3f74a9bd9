# The Python client from ../shared/seed/WebSocket_Guide.md, copied unmodified except for the
# missing `import time`. Do not edit: it is the contract with existing clients.
import asyncio
import websockets
import json
import logging
import time  # missing from the guide: send_heartbeat uses time.time()

class ReviewWebSocketClient:
    def __init__(self, task_id: int):
        self.task_id = task_id
        self.websocket = None
        self.running = False
        
    async def connect(self):
        """连接到WebSocket"""
        uri = f"ws://localhost:8000/ws/review/{self.task_id}"
        
        try:
            self.websocket = await websockets.connect(uri)
            self.running = True
            print(f"已连接到任务 {self.task_id} 的WebSocket")
            
            # 启动消息处理
            await asyncio.gather(
                self.listen_messages(),
                self.send_heartbeat()
            )
            
        except Exception as e:
            print(f"连接失败: {e}")
            
    async def listen_messages(self):
        """监听消息"""
        try:
            async for message in self.websocket:
                data = json.loads(message)
                await self.handle_message(data)
        except websockets.exceptions.ConnectionClosed:
            print("连接已关闭")
        except Exception as e:
            print(f"消息处理错误: {e}")
        finally:
            self.running = False
            
    async def handle_message(self, data: dict):
        """处理接收到的消息"""
        message_type = data.get('type')
        
        if message_type == 'connection':
            print(f"连接确认: {data.get('message')}")
            # 请求当前状态
            await self.send_message({'type': 'get_status'})
            
        elif message_type == 'status':
            print(f"任务状态: {data.get('status')}")
            
        elif message_type in ['pong', 'heartbeat_ack']:
            print("心跳响应")
            
        elif message_type == 'error':
            print(f"错误: {data.get('message')}")
            
        elif 'stage' in data:
            # 进度更新
            stage = data.get('stage')
            progress = data.get('progress', 0)
            message = data.get('message', '')
            print(f"进度更新: {stage} - {progress}% - {message}")
            
    async def send_message(self, message: dict):
        """发送消息"""
        if self.websocket and not self.websocket.closed:
            await self.websocket.send(json.dumps(message))
            
    async def send_heartbeat(self):
        """发送心跳包"""
        while self.running:
            try:
                await asyncio.sleep(30)  # 每30秒发送一次
                if self.running:
                    await self.send_message({
                        'type': 'heartbeat',
                        'timestamp': int(time.time() * 1000)
                    })
            except Exception as e:
                print(f"心跳发送失败: {e}")
                break
                
    async def disconnect(self):
        """断开连接"""
        self.running = False
        if self.websocket:
            await self.websocket.close()

# 使用示例
async def main():
    client = ReviewWebSocketClient(task_id=123)
    try:
        await client.connect()
    except KeyboardInterrupt:
        print("用户中断")
    finally:
        await client.disconnect()

if __name__ == "__main__":
    asyncio.run(main())
