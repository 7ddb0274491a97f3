import json
import os

import boto3

s3 = boto3.client("s3")
sns = boto3.client("sns")


def handler(event, context):
    for record in event["Records"]:
        job = json.loads(record["body"])
        try:
            s3.head_object(Bucket=job["bucket"], Key=job["key"])
        except Exception as error:
            sns.publish(TopicArn=os.environ["ALERTS_TOPIC_ARN"], Message=f"import failed: {error}")
            raise
