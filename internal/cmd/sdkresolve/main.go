// Command sdkresolve resolves a profile's credentials with aws-sdk-go-v2's
// config.LoadDefaultConfig, as any Go program would, and prints where they
// came from and the access key id. With -list-buckets ENDPOINT it also lists
// the S3 buckets there (path-style, as MinIO wants), one name a line, which
// proves the credentials sign requests correctly. It is a test and demo tool.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	profile := flag.String("profile", "", "profile to resolve (default: the SDK's: AWS_PROFILE, else default)")
	jsonOut := flag.Bool("json", false, "print the credentials as JSON, secrets included (tests only)")
	listBuckets := flag.String("list-buckets", "", "also list the S3 buckets at this endpoint `URL` (path-style), one name a line")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var opts []func(*config.LoadOptions) error
	if *profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(*profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fail(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fail(err)
	}
	switch {
	case *jsonOut:
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
			"AccessKeyId": creds.AccessKeyID, "SecretAccessKey": creds.SecretAccessKey,
			"SessionToken": creds.SessionToken, "Expiration": creds.Expires.UTC().Format(time.RFC3339),
			"AccountId": creds.AccountID, "Source": creds.Source,
		})
	default:
		fmt.Printf("aws-sdk-go-v2 resolved %s from %s (account %q, expires %s)\n",
			creds.AccessKeyID, creds.Source, creds.AccountID, creds.Expires.UTC().Format(time.RFC3339))
	}
	if *listBuckets == "" {
		return
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(*listBuckets)
		o.UsePathStyle = true
	})
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		fail(err)
	}
	for _, b := range out.Buckets {
		fmt.Println(aws.ToString(b.Name))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sdkresolve:", err)
	os.Exit(1)
}
