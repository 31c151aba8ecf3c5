package fakeaws

import (
	"strings"
	"time"
)

type stsState struct {
	roles    map[string]string // access key ID → ARN of the role it was issued for
	sessions map[string]string // access key ID → assumed-role ARN
}

func (s *stsState) init() {
	s.roles = map[string]string{}
	s.sessions = map[string]string{}
}

func init() {
	register(svcSTS, map[string]handlerFunc{
		"GetCallerIdentity": (*Server).getCallerIdentity,
		"AssumeRole":        (*Server).assumeRole,
	})
}

// accountOf reads the account out of an IAM ARN.
func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 4 {
		return parts[4]
	}
	return ""
}

func (s *Server) getCallerIdentity(req *request, _ time.Time) (any, error) {
	if session, ok := s.sts.sessions[req.accessKey]; ok {
		name := session[strings.LastIndex(session, "/")+1:]
		return []*node{tx("Arn", session), tx("UserId", "AROA"+strings.ToUpper(req.accessKey[4:])+":"+name), tx("Account", accountOf(session))}, nil
	}
	user := req.accessKey
	if user == "" {
		user = "anonymous"
	}
	return []*node{tx("Arn", s.iamARN("user/"+user)),
		tx("UserId", "AIDA"+strings.ToUpper(user)), tx("Account", s.opts.AccountID)}, nil
}

// assumeRole issues temporary credentials. Their expiry is in real time,
// whatever the fake's clock says, because the SDK's credential cache
// compares it with the real clock.
func (s *Server) assumeRole(req *request, _ time.Time) (any, error) {
	role, session := req.str("RoleArn"), req.str("RoleSessionName")
	if !strings.HasPrefix(role, "arn:") || !strings.Contains(role, ":role/") {
		return nil, validationError("%s is invalid", role)
	}
	if session == "" {
		return nil, validationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	seconds := req.intArg("DurationSeconds", 3600)
	key := "ASIA" + s.randString(upperAlnum, 16)
	roleName := role[strings.LastIndex(role, "/")+1:]
	assumed := "arn:" + partition(s.opts.Region) + ":sts::" + accountOf(role) + ":assumed-role/" + roleName + "/" + session
	s.sts.roles[key] = role
	s.sts.sessions[key] = assumed
	return []*node{
		el("Credentials", tx("AccessKeyId", key), tx("SecretAccessKey", s.randString(upperAlnum+lowerAlnum, 40)),
			tx("SessionToken", "FwoGZXIvYXdzE"+s.randString(upperAlnum+lowerAlnum, 120)), tt("Expiration", time.Now().Add(time.Duration(seconds)*time.Second))),
		el("AssumedRoleUser", tx("Arn", assumed), tx("AssumedRoleId", "AROA"+s.randString(upperAlnum, 17)+":"+session)),
		ti("PackedPolicySize", 0),
	}, nil
}
