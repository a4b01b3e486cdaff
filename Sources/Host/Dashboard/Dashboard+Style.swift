extension DashboardFiles {
    /// Plain styles: system fonts, one accent colour, readable tables.
    static let style = #"""
        :root { --ink: #1d232a; --muted: #5b6672; --line: #d8dee4; --accent: #2f6f4f; --bad: #b3261e; --paper: #fbfcfd; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
        header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.2rem; margin: 0; color: var(--accent); }
        h2 small, h3 small { color: var(--muted); font-weight: normal; }
        nav { display: flex; gap: .3rem; }
        nav button { font: inherit; border: 1px solid transparent; background: none; padding: .35rem .8rem; border-radius: 6px; cursor: pointer; }
        nav button[aria-current="page"] { border-color: var(--line); background: var(--paper); font-weight: 600; }
        .count { display: inline-block; min-width: 1.6em; padding: 0 .35em; border-radius: 1em; background: var(--accent); color: #fff; font-size: .8em; text-align: center; }
        #status { margin-left: auto; color: var(--muted); }
        main { padding: 1rem 1.2rem; max-width: 84rem; }
        table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; font-size: .85em; }
        tbody tr:hover { background: #f1f4f6; }
        tr.selected { background: #e6efe9; }
        td code, pre { font: 13px/1.4 ui-monospace, monospace; }
        .flag { display: inline-block; margin-left: .4em; padding: 0 .4em; border-radius: 4px; font-size: .8em; background: #fdecc8; }
        .flag.shadowed { background: #f9d6d3; }
        .status-ok { color: var(--accent); }
        .status-bad { color: var(--bad); font-weight: 600; }
        form { display: grid; gap: .4rem; max-width: 46rem; margin: 1rem 0; }
        label { font-weight: 600; font-size: .9em; }
        input, select, textarea { font: 14px ui-monospace, monospace; padding: .4rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        textarea[aria-invalid="true"] { border-color: var(--bad); outline: 2px solid #f3c4c0; }
        form button { justify-self: start; font: inherit; padding: .4rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        td button { font: inherit; font-size: .85em; padding: .1rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
        .error { color: var(--bad); margin: 0; white-space: pre-wrap; }
        .detail { border: 1px solid var(--line); border-radius: 8px; padding: .8rem; background: #fff; }
        .detail pre, #try-reply { white-space: pre-wrap; word-break: break-word; background: #f4f6f8; padding: .6rem; border-radius: 6px; max-height: 22rem; overflow: auto; }
        figure { margin: 0 0 1.5rem; }
        figcaption { font-weight: 600; margin-bottom: .3rem; }
        .chart > svg { width: 100%; height: 180px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
        .chart text { font: 11px system-ui, sans-serif; fill: var(--muted); }
        .legend { display: flex; flex-wrap: wrap; gap: .8rem; font-size: .85em; color: var(--muted); margin-top: .3rem; }
        .legend svg { vertical-align: middle; }
        """#
}
