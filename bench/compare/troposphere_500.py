"""The benchmark's 500-resource template, built with troposphere (see README.md).

With --parameter, the second workload: a `Stage` parameter that each bucket carries as a tag
(`Ref`) and each role's bucket statement names in an `Fn::Sub` with a variable map.
"""

import sys

from troposphere import Export, GetAtt, Output, Parameter, Ref, Sub, Tags, Template
from troposphere import iam, s3, sqs

GROUPS = 125
OUTPUTS = 50


def main():
    parameter = "--parameter" in sys.argv[1:]
    t = Template(Description="kumo synthesis benchmark: 500 resources")
    t.set_version("2010-09-09")
    stage = t.add_parameter(Parameter("Stage", Type="String", Default="dev")) if parameter else None
    for i in range(1, GROUPS + 1):
        n = f"{i:03}"
        tags = {"index": str(i), "team": "bench"}
        bucket_objects = Sub(f"${{Bucket{n}.Arn}}/*")
        if stage:
            tags["stage"] = Ref(stage)
            bucket_objects = Sub("${Arn}/${Stage}/*", Arn=GetAtt(f"Bucket{n}", "Arn"))
        t.add_resource(
            s3.Bucket(
                f"Bucket{n}",
                VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
                PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
                    BlockPublicAcls=True,
                    BlockPublicPolicy=True,
                    IgnorePublicAcls=True,
                    RestrictPublicBuckets=True,
                ),
                Tags=Tags(**tags),
            )
        )
        dead_letters = t.add_resource(
            sqs.Queue(f"DeadLetters{n}", MessageRetentionPeriod=1209600)
        )
        queue = t.add_resource(
            sqs.Queue(
                f"Queue{n}",
                RedrivePolicy=sqs.RedrivePolicy(
                    deadLetterTargetArn=GetAtt(dead_letters, "Arn"), maxReceiveCount=5
                ),
            )
        )
        if i <= OUTPUTS:
            t.add_output(
                Output(
                    f"Queue{n}Url",
                    Value=Ref(queue),
                    Export=Export(Sub(f"${{AWS::StackName}}-Queue{n}Url")),
                )
            )
        t.add_resource(
            iam.Role(
                f"Role{n}",
                AssumeRolePolicyDocument={
                    "Statement": [
                        {
                            "Action": ["sts:AssumeRole"],
                            "Effect": "Allow",
                            "Principal": {"Service": ["lambda.amazonaws.com"]},
                        }
                    ],
                    "Version": "2012-10-17",
                },
                Policies=[
                    iam.Policy(
                        PolicyName="access",
                        PolicyDocument={
                            "Statement": [
                                {
                                    "Action": ["s3:GetObject"],
                                    "Effect": "Allow",
                                    "Resource": [bucket_objects],
                                },
                                {
                                    "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                                    "Effect": "Allow",
                                    "Resource": [GetAtt(queue, "Arn")],
                                },
                            ],
                            "Version": "2012-10-17",
                        },
                    )
                ],
            )
        )
    print(t.to_json())


if __name__ == "__main__":
    main()
