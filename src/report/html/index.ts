import { writeFile } from 'node:fs/promises';
import type { ClientPayload } from './client/model.js';
import { encodeTimeline } from './encode.js';
import { jsonForScript } from './escape.js';
import { pageHtml } from './page.js';
import { clientScript } from './script.js';
import { sectionHtml } from './section.js';
import { displayName } from './strategy.js';
import { STYLES } from './styles.js';
import type { ReportData } from './types.js';

export type {
  ReportData,
  ReportProbe,
  ReportSection,
  ReportStrategy,
  ReportTimelineEntry,
} from './types.js';

/**
 * One self-contained HTML page: per job, the verdict, a timeline per strategy (canvas), wall and CPU
 * time (SVG), throughput against concurrency (SVG) and the figures. Pure: the same data gives the same
 * string. It loads nothing from the network; every string from `data` is escaped.
 */
export function renderHtmlReport(data: ReportData): string {
  const payload: ClientPayload = {
    sections: data.sections.map((section) => ({
      strategies: section.strategies.map(displayName),
      timelines: section.strategies.map((s) =>
        encodeTimeline(s.strategy, s.timeline ?? [], s.timelineRun?.startedAt),
      ),
    })),
  };
  const sections = data.sections.map((section, i) =>
    sectionHtml(section, i, payload.sections[i]?.timelines ?? []),
  );
  return pageHtml(data, {
    sections,
    payloadJson: jsonForScript(payload),
    script: clientScript(),
    styles: STYLES,
  });
}

/** Renders the report and writes it to `file` (UTF-8), replacing what was there. */
export async function writeHtmlReport(file: string | URL, data: ReportData): Promise<void> {
  await writeFile(file, renderHtmlReport(data), 'utf8');
}
