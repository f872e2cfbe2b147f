/** What the evaluate step needs from the outside world: where the baseline model comes from. */
import type { ModelInfo } from './report.js';

export type ResolvedBaseline =
  | {
      readonly kind: 'model';
      readonly path: string;
      readonly label: string;
      readonly info: ModelInfo;
    }
  | { readonly kind: 'none'; readonly note: string };

export interface BaselineSource {
  /**
   * `production`, `none`, a version (`v1.2.0`) or a path to an ONNX file. A registry model is
   * used only after its bytes matched the digest its manifest records.
   */
  resolve(spec: string, context: { model: string; cwd: string }): Promise<ResolvedBaseline>;
}
