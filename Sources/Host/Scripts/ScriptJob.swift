/// One piece of work for the script threads: what to run, and how to report that it will not run.
final class ScriptJob: Sendable {
    let cancellation = ScriptCancellation()
    /// Runs the work on a script thread and delivers its result.
    let run: @Sendable (ScriptCancellation) -> Void
    /// Delivers why the work will not run.
    let fail: @Sendable (ScriptPoolError) -> Void

    init(run: @escaping @Sendable (ScriptCancellation) -> Void, fail: @escaping @Sendable (ScriptPoolError) -> Void) {
        self.run = run
        self.fail = fail
    }
}
