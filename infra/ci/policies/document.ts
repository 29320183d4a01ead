/** An IAM policy document as AWS takes it. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export const policy = (...statements: Array<Statement | false | undefined>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements.filter((s): s is Statement => Boolean(s)),
});
