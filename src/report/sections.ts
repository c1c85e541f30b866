/**
 * From measurements to the HTML report's input: the one place that knows both shapes.
 */
import { freemem, totalmem } from 'node:os';
import { machineInfo } from '../measure/compare.js';
import type { Comparison, RunMeasurement, StrategyMeasurement } from '../measure/types.js';
import type { ReportData, ReportProbe, ReportSection, ReportStrategy } from './html/types.js';
import { summaryLines, warningLines } from './model.js';
import { sweepLevel, sweepPeakLine, sweepTitle } from './sweep.js';

/** The run whose wall time is the median: the timeline the report draws for a strategy. */
function representative(s: StrategyMeasurement): RunMeasurement | undefined {
  const runs = [...s.runs].sort((a, b) => a.wallMs - b.wallMs);
  return runs[Math.floor((runs.length - 1) / 2)];
}

function reportStrategy(s: StrategyMeasurement): ReportStrategy {
  const run = representative(s);
  const out: ReportStrategy = {
    strategy: s.strategy,
    name: s.name,
    concurrency: s.concurrency,
    inFlight: s.inFlight,
    wallMs: { median: s.wallMs.median, min: s.wallMs.min, max: s.wallMs.max },
    cpuMs: s.cpuMs.median,
    peakRssBytes: s.peakRss.median,
    tasksPerSecond: s.throughput.median,
    failed: s.failed,
    timeline: run?.timeline ?? [],
  };
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
    summary: [...summaryLines(c), ...(extras.lessons ?? [])],
    warnings: warningLines(c),
  };
  if (extras.verdict) section.verdict = extras.verdict;
  if (extras.probes) section.probes = extras.probes;
  const sweep = c.sweep;
  if (sweep !== undefined && !extras.probes) {
    section.probes = c.strategies.map((s) => ({
      strategy: s.strategy,
      concurrency: sweepLevel(sweep, s),
      tasksPerSecond: s.throughput.median,
    }));
    const peak = sweepPeakLine(c);
    section.probesNote =
      `${sweepTitle(sweep)}. Each point is the median of the measured runs at that level, over every input.` +
      (peak ? ` ${peak}` : '');
  }
  return section;
}

export function reportData(title: string, sections: ReportSection[]): ReportData {
  const machine = machineInfo();
  return {
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
