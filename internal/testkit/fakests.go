package testkit

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// What the fake STS answers with: none of its secrets may reach a message.
const (
	STSEndpoint     = "https://sts.us-east-1.amazonaws.com"
	STSRegion       = "us-east-1"
	STSSecretKey    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
	STSSessionToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=="
)

// OpError wraps err the way the SDK returns an operation's failure,
// with the HTTP status STS answered.
func OpError(status int, err error) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
			RequestID:     "4c1d2f3e-request-id",
		}}
}

// APIError is STS answering status with an error code and message.
func APIError(status int, code, msg string) error {
	return OpError(status, &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient})
}

// SendError wraps err the way the SDK returns a failure to send.
func SendError(err error) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
		Err: &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: STSEndpoint + "/", Err: err}}}
}

// ConnRefused is a dial that nothing answered.
func ConnRefused() error {
	return SendError(&net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connect", Addr: "127.0.0.1:443"}})
}

// TimeoutErr is a network timeout.
type TimeoutErr struct{}

func (TimeoutErr) Error() string   { return "dial tcp 52.94.0.1:443: i/o timeout" }
func (TimeoutErr) Timeout() bool   { return true }
func (TimeoutErr) Temporary() bool { return true }

// GoodOutput is a successful answer with STSSecretKey and STSSessionToken.
func GoodOutput() *sts.AssumeRoleWithWebIdentityOutput {
	return &sts.AssumeRoleWithWebIdentityOutput{
		Credentials: &types.Credentials{
			AccessKeyId:     aws.String("ASIAEXAMPLEACCESSKEY"),
			SecretAccessKey: aws.String(STSSecretKey),
			SessionToken:    aws.String(STSSessionToken),
			Expiration:      aws.Time(time.Date(2030, 1, 2, 16, 4, 5, 0, time.UTC)),
		},
		AssumedRoleUser: &types.AssumedRoleUser{
			Arn:           aws.String("arn:aws:sts::123456789012:assumed-role/deploy/s"),
			AssumedRoleId: aws.String("AROAEXAMPLE:s"),
		},
	}
}

// FakeSTS answers with Results in turn, the last one forever; a nil
// error answers with Out (or GoodOutput).
type FakeSTS struct {
	Results []error
	Out     *sts.AssumeRoleWithWebIdentityOutput

	mu     sync.Mutex
	inputs []*sts.AssumeRoleWithWebIdentityInput
}

// AssumeRoleWithWebIdentity has the signature of exchange.Client's method.
func (f *FakeSTS) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, _ ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inputs = append(f.inputs, in)
	var err error
	if len(f.Results) > 0 {
		i := min(len(f.inputs), len(f.Results)) - 1
		err = f.Results[i]
	}
	if err != nil {
		return nil, err
	}
	if f.Out != nil {
		return f.Out, nil
	}
	return GoodOutput(), nil
}

// Calls is how many calls the fake received.
func (f *FakeSTS) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.inputs)
}

// Inputs are the inputs of the calls, in order.
func (f *FakeSTS) Inputs() []*sts.AssumeRoleWithWebIdentityInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*sts.AssumeRoleWithWebIdentityInput{}, f.inputs...)
}
