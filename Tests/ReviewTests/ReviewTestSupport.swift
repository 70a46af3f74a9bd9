import Foundation
@testable import Review

/// One engine for all tests: loading the catalog and statutes is the slow part.
let sharedEngine: ReviewEngine = {
    do { return try ReviewEngine() } catch { fatalError("catalog failed to load: \(error)") }
}()

/// Reviews `text` and returns the findings.
func review(_ text: String, _ type: ContractType, _ role: Role, names: [String] = []) async -> ReviewReport {
    await sharedEngine.review(text: text, contractType: type, role: role, partyNames: names, progress: { _ in })
}

/// A small contract around `body`, with party blocks so designations map to roles; with a dispute clause unless the
/// test is about its absence.
func contract(_ type: ContractType, _ body: String, disputeClause: Bool = true) -> String {
    let (first, second): (String, String) = switch type {
    case .purchase, .sales, .supply: ("甲方（买方）", "乙方（卖方）")
    case .service, .consulting: ("甲方（委托方）", "乙方（服务方）")
    case .lease: ("出租方（甲方）", "承租方（乙方）")
    case .employment: ("甲方（用人单位）", "乙方（劳动者）")
    case .nda: ("甲方（披露方）", "乙方（接收方）")
    case .loan: ("出借人（甲方）", "借款人（乙方）")
    case .other: ("甲方", "乙方")
    }
    let disputes = disputeClause ? "\n\n第二条 争议解决\n因本合同发生的争议，由原告住所地人民法院管辖。" : ""
    return """
    测试合同

    \(first)：北京甲木科技有限公司
    \(second)：上海乙禾贸易有限公司

    第一条 约定事项
    \(body)
    """ + disputes
}
