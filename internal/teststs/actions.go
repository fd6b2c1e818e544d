package teststs

// Names of the actions the server answers. CallsFor counts requests by
// these names (an STS request under the Action it carries, whatever it is),
// and InjectFor takes them as targets.
const (
	ActionAssumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity" // STS, POST /
	ActionAssumeRole                = "AssumeRole"                // STS, POST /, SigV4-signed
	ActionGetSigninToken            = "getSigninToken"            // console sign-in, GET /federation?Action=getSigninToken
	ActionLogin                     = "login"                     // console sign-in, GET /federation?Action=login
	ActionGitHubToken               = "GitHubToken"               // GitHub Actions, GET /github/token
	ActionAzureOIDCToken            = "AzureOIDCToken"            // Azure DevOps, POST /azure/oidctoken
)
