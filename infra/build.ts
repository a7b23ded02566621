/**
 * Builds the OneStop app onto an App: used by app.ts (the CLI) and by the
 * infra tests, so both synthesize exactly the same thing.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig, type StageConfig } from './config.ts';
import { OneStopStack } from './stacks/onestop-stack.ts';

export interface BuildOptions {
  /** Overrides the `stage` context value. */
  readonly stage?: string;
  /** Register the cdk-nag AwsSolutions plugin. @default true */
  readonly nag?: boolean;
}

export function buildOneStop(app: App, options: BuildOptions = {}): { stack: OneStopStack; config: StageConfig } {
  const config = stageConfig(options.stage ?? app.node.tryGetContext('stage') ?? 'dev');
  const stack = new OneStopStack(app, `OneStop-${config.stage}`, {
    config,
    description: `OneStop one-stop administrative service center (${config.stage})`,
    terminationProtection: config.stage === 'prod',
  });
  Tags.of(stack).add('project', 'onestop');
  Tags.of(stack).add('stage', config.stage);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stack, config };
}
