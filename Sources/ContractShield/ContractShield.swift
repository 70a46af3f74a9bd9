import ArgumentParser

@main
struct ContractShield: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contractshield",
        abstract: "合同审查服务 ContractShield：上传合同，实时审查，导出报告。",
        subcommands: [ServeCommand.self, ReviewCommand.self, KeysCommand.self, BenchCommand.self, SubmitCommand.self, WSCommand.self],
        defaultSubcommand: ServeCommand.self)
}
