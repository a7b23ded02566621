/**
 * The CDK app: `npx cdk synth -c stage=dev|prod|local` (default dev).
 * Stack `OneStop-<stage>`; cdk-nag AwsSolutions checks run on every synth and
 * any unacknowledged finding fails it.
 */
import { App } from 'aws-cdk-lib';
import { buildOneStop } from './build.ts';

const app = new App();
buildOneStop(app);
app.synth();
