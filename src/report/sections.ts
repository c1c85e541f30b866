/**
 * From measurements to the HTML report's input: the one place that knows both shapes.
 */
import { freemem, totalmem } from 'node:os';
import { formatDuration } from '../core/units.js';
import { machineInfo } from '../measure/compare.js';
import type { Comparison, RunMeasurement, StrategyMeasurement } from '../measure/types.js';
import type { ReportData, ReportProbe, ReportSection, ReportStrategy } from './html/types.js';
import { adaptiveLines, comparisonVerdict, summaryLines, VERDICT_LABEL, warningLines } from './model.js';
import { fixedLevels, sweepAxis, sweepLevel, sweepPeakLine, sweepThroughput, sweepTitle } from './sweep.js';

/**
 * The run whose timeline the report draws, and why that one: the median run when the runs are odd in
 * number; with an even number no run is the median (it is the mean of the two middle ones), so the
 * faster of those two, said so.
 */
export function representative(s: StrategyMeasurement): { run: RunMeasurement; choice: string } | undefined {
  const runs = [...s.runs].sort((a, b) => a.wallMs - b.wallMs);
  const at = Math.floor((runs.length - 1) / 2);
  const run = runs[at];
  if (run === undefined) return undefined;
  const of = `run ${run.run} of ${runs.length}`;
  if (runs.length === 1) return { run, choice: 'the only run' };
  if (runs.length % 2 === 1) return { run, choice: `${of}, the median run` };
  return {
    run,
    choice:
      `${of}, the faster of the two middle runs (${formatDuration(run.wallMs)} and ` +
      `${formatDuration(runs[at + 1]!.wallMs)}; the median, ${formatDuration(s.wallMs.median)}, is their mean)`,
  };
}

function reportStrategy(s: StrategyMeasurement): ReportStrategy {
  const picked = representative(s);
  const run = picked?.run;
  const out: ReportStrategy = {
    strategy: s.strategy,
    name: s.name,
    concurrency: s.concurrency,
    inFlight: s.inFlight,
    level: s.level,
    wallMs: {
      median: s.wallMs.median,
      min: s.wallMs.min,
      max: s.wallMs.max,
      mean: s.wallMs.mean,
      stddev: s.wallMs.stddev,
      runs: s.wallMs.count,
    },
    cpuMs: s.cpuMs.median,
    peakRssBytes: s.peakRss.median,
    tasksPerSecond: s.throughput.median,
    failed: s.failed,
    timeline: run?.timeline ?? [],
  };
  if (picked !== undefined) {
    out.timelineRun = { startedAt: picked.run.startedAt, wallMs: picked.run.wallMs, choice: picked.choice };
  }
  if (s.adaptive !== undefined) {
    const { limit, moves, bounds } = s.adaptive;
    out.limit = { ...limit, bounds: { ...bounds }, perWorker: moves === 'inFlight' };
    if (run?.limit !== undefined) out.limit.series = run.limit.series;
  }
  if (s.speedup !== undefined) out.speedup = s.speedup;
  if (s.efficiency !== undefined) out.efficiency = s.efficiency;
  return out;
}

export interface SectionExtras {
  title?: string;
  verdict?: ReportSection['verdict'];
  probes?: ReportProbe[];
  /** Lines that explain the result, printed after the hyperfine-style summary. */
  lessons?: string[];
}

export function comparisonSection(c: Comparison, extras: SectionExtras = {}): ReportSection {
  const section: ReportSection = {
    title: extras.title ?? c.label,
    task: c.task,
    inputs: c.inputs,
    strategies: c.strategies.map(reportStrategy),
    summary: [...adaptiveLines(c), ...(extras.lessons ?? [])],
    warnings: warningLines(c),
  };
  // The verdict and by how much, in a box of their own; the terminal prints the same lines.
  const verdict = comparisonVerdict(c);
  if (verdict !== undefined) {
    section.finding = {
      label: VERDICT_LABEL,
      head: verdict.head,
      rest: verdict.rest,
      margins: summaryLines(c),
      ...(verdict.winner === undefined ? {} : { winner: verdict.winner.strategy }),
    };
  }
  if (extras.verdict) section.verdict = extras.verdict;
  if (extras.probes) section.probes = extras.probes;
  const sweep = c.sweep;
  if (sweep !== undefined && !extras.probes) {
    section.probes = fixedLevels(c).map((s) => ({
      strategy: s.strategy,
      concurrency: sweepLevel(sweep, s),
      tasksPerSecond: sweepThroughput(c, s).median,
    }));
    section.probesAxis = sweepAxis(sweep);
    const peak = sweepPeakLine(c);
    section.probesNote =
      `${sweepTitle(sweep)}. Each point is the inputs over the median wall time of the measured runs at that level.` +
      (peak ? ` ${peak}` : '');
  }
  return section;
}

export function reportData(title: string, sections: ReportSection[], conclusion?: string): ReportData {
  const machine = machineInfo();
  return {
    ...(conclusion === undefined ? {} : { conclusion }),
    title,
    generatedAt: new Date().toISOString(),
    machine: {
      cores: machine.cores,
      memoryBytes: totalmem() || freemem(),
      cpuModel: machine.cpu,
      node: machine.node,
      platform: `${machine.platform} ${machine.arch}`,
    },
    sections,
  };
}
