// Who runs the relay, and their own texts: spread into config.ts's table, read into the config.
import { contact, text, textFile, type Variable } from './config-readers.ts';

/** An operator's privacy policy or terms: far more than any such text needs. */
const POLICY_BYTES = 256 * 1024;

export interface OperatorConfig {
  /** Who runs this relay, as the home page, privacy policy and terms name them. */
  operator: { name: string | undefined; contact: string | undefined };
  /** The operator's own Markdown for /privacy and /terms; the relay's defaults when unset. */
  privacyMarkdown: string | undefined;
  termsMarkdown: string | undefined;
}

export const OPERATOR_VARIABLES = {
  SHEETCAST_OPERATOR_NAME: text(undefined),
  SHEETCAST_OPERATOR_CONTACT: contact(),
  SHEETCAST_PRIVACY_FILE: textFile(POLICY_BYTES),
  SHEETCAST_TERMS_FILE: textFile(POLICY_BYTES),
};

type Values = { [K in keyof typeof OPERATOR_VARIABLES]: (typeof OPERATOR_VARIABLES)[K] extends Variable<infer T> ? T : never };

export function operatorConfig(v: Values): OperatorConfig {
  return {
    operator: { name: v.SHEETCAST_OPERATOR_NAME, contact: v.SHEETCAST_OPERATOR_CONTACT },
    privacyMarkdown: v.SHEETCAST_PRIVACY_FILE?.text,
    termsMarkdown: v.SHEETCAST_TERMS_FILE?.text,
  };
}
