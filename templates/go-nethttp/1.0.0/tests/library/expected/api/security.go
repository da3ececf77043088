package api

// Authentication: apiKey, with the credentials from $LIBRARY_API_TOKENS.

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// AuthEnv names the environment variable holding the accepted credentials, comma-separated; with none
// configured every secured request is refused.
const AuthEnv = "LIBRARY_API_TOKENS"

func tokensFrom(value string) []string {
	var tokens []string
	for _, part := range strings.Split(value, ",") {
		if token := strings.TrimSpace(part); token != "" {
			tokens = append(tokens, token)
		}
	}
	return tokens
}

// credential is what the request carries for scheme apiKey.
func credential(r *http.Request) string {
	return r.Header.Get("X-API-Key")
}

// authorized answers 401 itself and returns false unless the request carries an accepted credential.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	given := []byte(credential(r))
	for _, token := range s.tokens {
		if subtle.ConstantTimeCompare(given, []byte(token)) == 1 {
			return true
		}
	}
	w.Header().Set("WWW-Authenticate", "ApiKey")
	writeError(w, http.StatusUnauthorized, "unauthorized", "Missing or invalid credentials.")
	return false
}
