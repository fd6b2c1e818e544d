package exchange

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func stsPolicy(arn string) types.PolicyDescriptorType {
	return types.PolicyDescriptorType{Arn: aws.String(arn)}
}
