/** Entrypoint of `actions/validate-data`. */
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import {
  validationAnnotations,
  renderValidationSummary,
} from '../core/validate/render-validation.js';
import { validateData } from '../steps/validate-data.js';
import { choiceInput, integerInput, listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const failOn = choiceInput('fail-on', ['error', 'never'], 'error');
  const maxAnnotations = integerInput('max-annotations', 50);
  const result = await validateData({
    cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    config: optionalInput('config'),
    schema: optionalInput('schema'),
    data: listInput('data'),
    report: optionalInput('report'),
    logger: createActionsLogger(),
  });

  const { annotations, omitted } = validationAnnotations(result, {
    max: maxAnnotations,
    reportPath: result.reportPath,
  });
  for (const annotation of annotations) {
    core.error(annotation.message, {
      title: annotation.title,
      file: annotation.file,
      ...(annotation.line === undefined ? {} : { startLine: annotation.line }),
    });
  }
  if (omitted > 0) {
    core.error(
      `${omitted} more violation(s) not annotated (max-annotations: ${maxAnnotations}); see ${result.reportPath}`,
      { title: 'schema: more violations' },
    );
  }
  for (const warning of result.warnings) {
    core.warning(warning.message, {
      title: `schema: ${warning.rule}`,
      file: warning.file,
      ...(warning.line === null ? {} : { startLine: warning.line }),
    });
  }

  core.setOutput('valid', String(result.valid));
  core.setOutput('rows', String(result.rows));
  core.setOutput('violations', String(result.violations.length));
  core.setOutput('report', result.reportPath);
  await core.summary
    .addRaw(
      renderValidationSummary(result, {
        schemaPath: result.schemaPath,
        reportPath: result.reportPath,
      }),
    )
    .write();

  if (!result.valid && failOn === 'error') {
    core.setFailed(
      `${result.violations.length} schema violation(s) in ${result.files.filter((f) => f.violations > 0).length} file(s); see the annotations and ${result.reportPath}`,
    );
  }
});
