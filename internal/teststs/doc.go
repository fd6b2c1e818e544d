// Package teststs is a test-only OIDC issuer and AWS STS emulator.
//
// One HTTP listener serves:
//
//   - an OpenID Connect issuer at IssuerURL (URL + "/oidc"): discovery at
//     /oidc/.well-known/openid-configuration (also at the root
//     /.well-known/openid-configuration, for clients configured with the
//     server's bare URL) and its JWKS at /oidc/keys. Tokens are RS256 JWTs made
//     by Mint or POST /_test/mint.
//   - STS AssumeRoleWithWebIdentity and AssumeRole at POST / (the
//     --endpoint-url), speaking the awsQuery protocol exactly as
//     aws-sdk-go-v2, botocore and the AWS SDK for JavaScript send it, and
//     answering with STS's XML.
//   - AWS's console sign-in federation endpoint at GET /federation
//     (FederationURL): Action=getSigninToken for credentials this server
//     issued (SessionDuration refused, as AWS, for those of a chained
//     role), Action=login with the sign-in token it returned.
//   - the CI platforms' job-token endpoints, minting tokens of this issuer:
//     GitHub Actions at GET /github/token (GitHubTokenURL, with
//     GitHubRequestToken) and Azure DevOps at POST /azure/oidctoken
//     (AzureOIDCRequestURI, with AzureAccessToken).
//   - test-control endpoints under /_test/ for tests that drive a separate
//     process: mint, calls, faults, federation, reset.
//
// The trust model mirrors IAM: the "provider" is IssuerURL without its
// scheme, its client ID list is Options.Audience plus Options.Audiences,
// and every Role carries a trust policy with StringEquals PROVIDER:aud and
// StringLike PROVIDER:sub (unless Role.NoWebIdentity), plus an
// sts:AssumeRole statement for the sessions of Role.TrustedRoles.
//
// The AssumeRoleWithWebIdentity checks run in this order (the first failure
// answers):
//
//  1. injected faults (see Faults);
//  2. Action and Version;
//  3. input limits of the STS API model (ValidationError, all violations in
//     one message, as AWS does; the token's value is never echoed). A Policy
//     longer than 2048 characters is a ValidationError length violation, as
//     AWS answers it;
//  4. Policy must be a JSON object (MalformedPolicyDocument); then the packed
//     size of the session policies must fit (PackedPolicyTooLarge). AWS's
//     packing is not public; this emulation counts the deflated, compacted
//     Policy plus 16 bytes per policy ARN (and, for AssumeRole, the
//     characters of the session tags plus 2 per tag) against 1024 bytes, so
//     ordinary policies always fit and only large incompressible ones do not;
//  5. the token: it must be a JWT (InvalidIdentityToken); its iss must be
//     IssuerURL ("No OpenIDConnect provider found in your account for ISS") —
//     checked before the signature because, like AWS, the provider (and so the
//     key) is found by iss; it must be RS256-signed by this issuer's key
//     (InvalidIdentityToken); its aud must contain one of the client IDs
//     ("Incorrect token audience"); exp must be present and in the future
//     (ExpiredTokenException); nbf, if present, must not be in the future
//     (InvalidIdentityToken);
//  6. the role must exist and its trust policy (Audience, SubPattern) must
//     match (403 AccessDenied);
//  7. DurationSeconds (default 3600) must not exceed the role's
//     MaxSessionDuration (ValidationError).
//
// AssumeRole (role chaining) runs 1 and 2, then:
//
//  3. the SigV4 signature, verified with the secret access key this server
//     issued for the signing access key id (service "sts", any region):
//     no Authorization header is 403 MissingAuthenticationToken, a malformed
//     one 400 IncompleteSignature; a credential scope of another service, a
//     date other than X-Amz-Date's, or an X-Amz-Date more than 15 minutes
//     from the server's clock is 403 SignatureDoesNotMatch; an access key id
//     this server did not issue, or an X-Amz-Security-Token other than the
//     session token issued with it, is 403 InvalidClientTokenId; an expired
//     session is 403 ExpiredToken; a wrong signature 403 SignatureDoesNotMatch;
//  4. input limits (ValidationError), as above plus ExternalId, SourceIdentity,
//     Tags and TransitiveTagKeys;
//  5. session policies and tags, as 4 above;
//  6. the target role's trust (403 AccessDenied, "User: CALLER is not
//     authorized to perform: sts:AssumeRole on resource: ROLE"): the role
//     must exist, list the caller's role (or its account's root) in
//     TrustedRoles, and get its ExternalID when it has one; Tags and
//     SourceIdentity need AllowTagSession and AllowSetSourceIdentity;
//  7. DurationSeconds: every caller is a role session, so above 3600 is the
//     role-chaining ValidationError, and above the role's MaxSessionDuration
//     the same error as AssumeRoleWithWebIdentity's.
//
// Issued credentials (of both actions) are remembered until the server
// closes, Reset included, so they can sign AssumeRole requests.
package teststs
