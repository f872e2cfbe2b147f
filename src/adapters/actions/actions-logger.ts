import * as core from '@actions/core';
import type { AnnotationProps, Logger } from '../../core/logger.js';

/** The logger port on a GitHub runner: workflow commands, so annotations land on lines. */
export function createActionsLogger(): Logger {
  const toCore = (props: AnnotationProps | undefined): core.AnnotationProperties | undefined =>
    props && {
      title: props.title,
      file: props.file,
      startLine: props.startLine,
      endLine: props.endLine,
      startColumn: props.startColumn,
      endColumn: props.endColumn,
    };
  return {
    debug: (message) => core.debug(message),
    info: (message) => core.info(message),
    warning: (message, props) => core.warning(message, toCore(props)),
    error: (message, props) => core.error(message, toCore(props)),
    group: (name, fn) => core.group(name, fn),
  };
}
