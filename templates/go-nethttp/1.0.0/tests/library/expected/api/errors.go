package api

// Every error is answered in the shape the spec declares (Problem), as application/json.

import (
	"encoding/json"
	"net/http"
)

const errorMediaType = "application/json"

func errorBody(status int, code, message string) map[string]any {
	return map[string]any{
		"code":   code,
		"detail": message,
	}
}

func writeBody(w http.ResponseWriter, status int, mediaType string, value any) {
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	writeBody(w, status, "application/json", value)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeBody(w, status, errorMediaType, errorBody(status, code, message))
}

func writeInvalid(w http.ResponseWriter, err error) {
	writeError(w, http.StatusUnprocessableEntity, "invalid_request", err.Error())
}

func notFound(w http.ResponseWriter, what, key string) {
	writeError(w, http.StatusNotFound, "not_found", what+" "+key+" does not exist.")
}
