/**
 * The comment `publish-model` leaves on the merged pull request: which version its model became,
 * where the release is, and the promotion pull request a maintainer merges next. One comment per
 * model per pull request (the caller's marker), updated by re-runs. Every value here is ours
 * (tags, URLs GitHub returned, digests), and the model name is escaped anyway.
 */
import { codeSpan } from '../markdown/escape.js';
import { markerComment } from '../evaluate/render-comment.js';

export interface PublishCommentInput {
  readonly model: string;
  /** Without the leading `v`. */
  readonly version: string;
  readonly tag: string;
  readonly releaseUrl: string;
  readonly digest: string;
  /** False when a re-run found the version already published. */
  readonly created: boolean;
  /** The promotion pull request's URL; null when none was opened. */
  readonly promotionPr: string | null;
  /** Why there is no promotion pull request, when there is none. */
  readonly noPromotionReason: string | null;
  readonly stage: string;
  readonly runUrl: string | null;
}

/** The hidden marker that finds this comment again on re-runs. */
export function publishCommentMarker(model: string): string {
  return markerComment(`mlops-actions:publish:${model}`);
}

/** A link only to a web page; anything else (a local `file:` URL) is shown as code. */
function link(text: string, url: string): string {
  return /^https:\/\/[^\s()<>]+$/.test(url) ? `[${text}](${url})` : `${text} (${codeSpan(url)})`;
}

/** `#12` from a pull request URL, else the URL's last part. */
function pullLabel(url: string): string {
  const number = /\/pull\/(\d+)\/?$/.exec(url)?.[1];
  return number === undefined ? 'the promotion pull request' : `pull request #${number}`;
}

export function renderPublishComment(input: PublishCommentInput): string {
  const lines = [
    `### 📦 Published ${codeSpan(input.tag)}`,
    '',
    `The model this pull request evaluated is registered as ${link(input.tag, input.releaseUrl)}` +
      ` (model ${codeSpan(input.digest)})${input.created ? '' : '; a re-run found it already published'}.`,
    '',
    input.promotionPr !== null
      ? `- **Next:** review and merge ${link(pullLabel(input.promotionPr), input.promotionPr)} to promote v${input.version} to **${input.stage}**.`
      : `- No promotion pull request: ${input.noPromotionReason ?? 'none was opened'}.`,
    `- Release notes, manifest (provenance), metrics and model card: ${link('the release', input.releaseUrl)}.`,
    ...(input.runUrl !== null ? [`- Published by ${link('this run', input.runUrl)}.`] : []),
  ];
  return lines.join('\n');
}
