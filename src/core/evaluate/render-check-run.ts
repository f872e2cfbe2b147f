/**
 * The check run's output: its conclusion is what branch protection reads. GitHub caps the title
 * at 255 characters and summary and text at 65,535 each; the summary holds the verdict and the
 * metric table, the text the detail sections (no chart: check runs do not render Mermaid).
 */
import { clipText, fitMarkdown } from '../markdown/truncate.js';
import { commentNotes } from './render-comment.js';
import { detailSections } from './render-details.js';
import {
  failedGates,
  gateVerdict,
  identityBlock,
  linksBlock,
  mcnemarBlock,
  metricTableBlocks,
  verdictBlocks,
} from './render-parts.js';
import type { EvaluationReport } from './report.js';

export const checkRunTitleMaxLength = 255;
export const checkRunTextMaxLength = 65_535;

export interface CheckRunOutput {
  readonly conclusion: 'success' | 'failure';
  /** Plain text, not markdown. */
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
}

export function renderCheckRunOutput(
  report: EvaluationReport,
  options: { metricsToShow?: readonly string[] } = {},
): CheckRunOutput {
  const mcnemar = mcnemarBlock(report);
  const summary = fitMarkdown(
    [
      ...verdictBlocks(report),
      identityBlock(report),
      ...metricTableBlocks(report, options.metricsToShow),
      ...(mcnemar === null ? [] : [mcnemar]),
      linksBlock(report),
    ],
    { maxLength: checkRunTextMaxLength, ...commentNotes },
  );
  const sections = detailSections(report, { chart: false });
  const text =
    sections.length === 0
      ? ''
      : fitMarkdown(sections, { maxLength: checkRunTextMaxLength, ...commentNotes });
  return {
    conclusion: report.passed ? 'success' : 'failure',
    title: checkRunTitle(report),
    summary,
    ...(text === '' ? {} : { text }),
  };
}

/** "❌ 1 of 3 gates failed: accuracy max-drop 1% (relative)", at most 255 characters. */
export function checkRunTitle(report: EvaluationReport): string {
  const failed = failedGates(report);
  let title = `${report.passed ? '✅' : '❌'} ${report.model}: ${gateVerdict(report.gates)}`;
  if (failed.length > 0) {
    // Only as many gates as can show: a title is short, and a report may fail hundreds.
    const names = failed
      .slice(0, 10)
      .map((gate) => `${clipText(gate.metric, 60)} ${clipText(gate.rule, 60)}`);
    title += ` (${names.join('; ')}${failed.length > names.length ? '; …' : ''})`;
  }
  // Plain text, so whitespace runs are the only thing to tidy; then GitHub's length cap.
  return clipText(title.replace(/\s+/g, ' '), checkRunTitleMaxLength);
}
