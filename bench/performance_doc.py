"""Writes the figures of bench/results/latest.json into docs/performance.md (run from the project root after bench/run.sh)."""
import json
d = json.load(open('bench/results/latest.json'))
m = d['machine']
lines = [f"Run on {d['date'][:10]} at commit `{d['commit']}`: {m['cpus']} cores ({m['cpu']}), Linux {m['kernel']}, "
         f"load average before the rounds {m['load_average_before']}; {d['settings']['rounds']} rounds of "
         f"{d['settings']['seconds']} s, {d['settings']['connections']} connections, each figure the median of its rounds. "
         "The client shares the cores with the servers, so compare ratios rather than absolute numbers.", "",
         "| Figure | Value | Baseline | Ratio | Target | Met |", "| --- | ---: | --- | ---: | --- | --- |"]
def fmt(v):
    if v is None: return ""
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
for f in d['figures']:
    base = f"{f['baseline']} {fmt(f['baseline_value'])}" if f['baseline'] else ""
    ratio = f"{f['ratio']:.3f}" if f['ratio'] is not None else ""
    met = {True: "yes", False: "no", None: ""}[f['met']]
    lines.append(f"| {f['figure']} | {fmt(f['value'])} {f['unit']} | {base} | {ratio} | {f['target'] or ''} | {met} |")
text = "\n".join(lines)
p = 'docs/performance.md'
s = open(p).read()
start = s.index('## Latest figures\n') + len('## Latest figures\n\n')
end = s.index('\n## What the path does')
s = s[:start] + text + "\n" + s[end:]
open(p, 'w').write(s)
