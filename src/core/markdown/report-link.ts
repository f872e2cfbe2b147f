/**
 * Links an issue or a comment may hold: only https URLs that cannot end a markdown link early, and
 * the full report named where a reader can reach it (the uploaded artifact, the run's artifacts),
 * never a path on a runner that is gone.
 */
import { escapeUserText } from './escape.js';

const urlShape = /^https:\/\/[A-Za-z0-9._~:/?#[\]@!$&'*+,;=%-]+$/;

/** A URL we may link: https and no characters that end a markdown link; else null. */
export function safeLink(url: string | null | undefined): string | null {
  return url != null && urlShape.test(url) && !/[()<>\s]/.test(url) ? url : null;
}

/**
 * Where the full report is, as a reader of the issue can reach it: the uploaded artifact, else
 * the run's artifacts, else (a local run) the file name alone, never a path on a runner.
 */
export function fullReportLine(
  options: {
    readonly reportArtifactUrl?: string | null | undefined;
    readonly reportLocation?: string | null | undefined;
    readonly runUrl: string | null;
  },
  reportName = 'drift-report.json',
): string {
  const artifact = safeLink(options.reportArtifactUrl);
  if (artifact !== null) return `Full report: [${reportName}](${artifact})`;
  const location = safeLink(options.reportLocation);
  if (location !== null && location !== safeLink(options.runUrl)) {
    return `Full report: [${reportName}](${location})`;
  }
  const run = safeLink(options.runUrl);
  if (run !== null) return `Full report: the artifacts of [the workflow run](${run})`;
  const file = options.reportLocation?.split(/[\\/]/).at(-1);
  const shown = file === undefined || file === '' ? reportName : file;
  return `Full report: ${escapeUserText(shown, 80)}, written by the local run`;
}
