/**
 * The sticky pull-request comment of the `evaluate` step: the verdict, the metric table with
 * deltas and their intervals, McNemar's test, then collapsible details. GitHub refuses bodies over
 * 65,536 characters, so the body is fitted: detail sections go first, then table rows.
 */
import { fitMarkdown, type MarkdownBlock } from '../markdown/truncate.js';
import { detailSections } from './render-details.js';
import {
  costBlocks,
  identityBlock,
  linksBlock,
  mcnemarBlock,
  metricTableBlocks,
  verdictBlocks,
} from './render-parts.js';
import type { EvaluationReport } from './report.js';

/** GitHub's limit for issue and pull-request comment bodies. */
export const githubCommentMaxLength = 65_536;

export interface RenderEvaluationOptions {
  /**
   * Identifies the sticky comment: written first as an HTML comment (`<!-- marker -->`), or as is
   * when it already is one.
   */
  readonly marker: string;
  readonly maxLength?: number;
  /** Metrics of the table (default: the compared ones, then the rest); gated ones are added. */
  readonly metricsToShow?: readonly string[];
}

export interface DocumentOptions {
  readonly marker: string | null;
  readonly metricsToShow?: readonly string[];
  readonly chart: boolean;
}

/** Where to find what was left out, for the notes of a fitted document. */
export interface OmissionNotes {
  readonly sectionsOmittedNote: (count: number) => string;
  readonly rowsOmittedNote: (count: number) => string;
  readonly cutNote: string;
}

export const commentNotes: OmissionNotes = {
  sectionsOmittedNote: (count) =>
    `_${count} section${count === 1 ? '' : 's'} omitted to fit GitHub's comment size limit: see the report artifact / job summary._`,
  rowsOmittedNote: (count) =>
    `_${count.toLocaleString('en-US')} more row${count === 1 ? '' : 's'} not shown: see the report artifact / job summary._`,
  cutNote:
    "_The rest is cut to fit GitHub's comment size limit: see the report artifact / job summary._",
};

export function renderEvaluationComment(
  report: EvaluationReport,
  options: RenderEvaluationOptions,
): string {
  return fitMarkdown(
    evaluationDocument(report, {
      marker: options.marker,
      chart: true,
      ...(options.metricsToShow === undefined ? {} : { metricsToShow: options.metricsToShow }),
    }),
    { maxLength: options.maxLength ?? githubCommentMaxLength, ...commentNotes },
  );
}

/** The whole report as blocks, before fitting. */
export function evaluationDocument(
  report: EvaluationReport,
  options: DocumentOptions,
): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  if (options.marker !== null) blocks.push({ kind: 'text', text: markerComment(options.marker) });
  blocks.push(
    ...verdictBlocks(report),
    identityBlock(report),
    ...metricTableBlocks(report, options.metricsToShow),
  );
  const mcnemar = mcnemarBlock(report);
  if (mcnemar !== null) blocks.push(mcnemar);
  blocks.push(...costBlocks(report));
  blocks.push(
    ...detailSections(report, {
      chart: options.chart,
      ...(options.metricsToShow === undefined ? {} : { metricsToShow: options.metricsToShow }),
    }),
    linksBlock(report),
  );
  return blocks;
}

/**
 * `<!-- marker -->`, or the marker itself when it already is an HTML comment: the sticky-comment
 * adapter finds the previous comment by this exact text. A marker that could end the comment early
 * (HTML forbids `-->` and `--!>` inside one) is a programming error.
 */
export function markerComment(marker: string): string {
  const trimmed = marker.trim();
  const isComment = trimmed.startsWith('<!--') && trimmed.endsWith('-->') && trimmed.length >= 7;
  const inner = isComment ? trimmed.slice(4, -3) : trimmed;
  if (/-->|--!>|<!--|[\r\n]/.test(inner) || inner.trim() === '') {
    throw new Error(
      `invalid comment marker ${JSON.stringify(marker)}: it must not contain "-->", "<!--" or newlines`,
    );
  }
  return isComment ? trimmed : `<!-- ${inner} -->`;
}
