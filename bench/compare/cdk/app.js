// The benchmark's 500-resource template, built with the AWS CDK's L1 constructs (see ../README.md).
const cdk = require("aws-cdk-lib");
const { aws_iam: iam, aws_s3: s3, aws_sqs: sqs } = cdk;

const GROUPS = 125;
const OUTPUTS = 50;

const app = new cdk.App({ analyticsReporting: false });
const stack = new cdk.Stack(app, "Bench500", {
  description: "kumo synthesis benchmark: 500 resources",
  synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
});

for (let i = 1; i <= GROUPS; i++) {
  const n = String(i).padStart(3, "0");
  const bucket = new s3.CfnBucket(stack, `Bucket${n}`, {
    versioningConfiguration: { status: "Enabled" },
    publicAccessBlockConfiguration: {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    tags: [
      { key: "index", value: String(i) },
      { key: "team", value: "bench" },
    ],
  });
  const deadLetters = new sqs.CfnQueue(stack, `DeadLetters${n}`, {
    messageRetentionPeriod: 1209600,
  });
  const queue = new sqs.CfnQueue(stack, `Queue${n}`, {
    redrivePolicy: { deadLetterTargetArn: deadLetters.attrArn, maxReceiveCount: 5 },
  });
  if (i <= OUTPUTS) {
    new cdk.CfnOutput(stack, `Queue${n}Url`, {
      value: queue.ref,
      exportName: cdk.Fn.sub(`\${AWS::StackName}-Queue${n}Url`),
    });
  }
  new iam.CfnRole(stack, `Role${n}`, {
    assumeRolePolicyDocument: {
      Statement: [
        {
          Action: ["sts:AssumeRole"],
          Effect: "Allow",
          Principal: { Service: ["lambda.amazonaws.com"] },
        },
      ],
      Version: "2012-10-17",
    },
    policies: [
      {
        policyName: "access",
        policyDocument: {
          Statement: [
            {
              Action: ["s3:GetObject"],
              Effect: "Allow",
              Resource: [cdk.Fn.sub(`\${${bucket.logicalId}.Arn}/*`)],
            },
            {
              Action: ["sqs:SendMessage", "sqs:ReceiveMessage"],
              Effect: "Allow",
              Resource: [queue.attrArn],
            },
          ],
          Version: "2012-10-17",
        },
      },
    ],
  });
}

app.synth();
