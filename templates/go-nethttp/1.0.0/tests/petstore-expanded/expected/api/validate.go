package api

// Validation of request bodies and query parameters, from the constraints of the spec's schemas.

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBody bounds what a request body may hold (1 MiB).
const maxBody = 1 << 20

// rule is what a schema asks of one value.
type rule struct {
	required bool
	minimum  *float64
	maximum  *float64
}

func bound(v float64) *float64 { return &v }

// invalidError names the value that broke its rule and how.
type invalidError struct{ name, problem string }

func (e invalidError) Error() string { return e.name + " " + e.problem }

func invalid(name, problem string) error { return invalidError{name, problem} }

// readObject reads a JSON object body; it answers the error itself and returns false when there is none.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (media != "application/json" && !strings.HasSuffix(media, "+json")) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "The body must be application/json.")
		return nil, false
	}
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	var value json.RawMessage
	if err := decoder.Decode(&value); err != nil || decoder.More() {
		writeError(w, http.StatusBadRequest, "malformed_request", "The body is not valid JSON.")
		return nil, false
	}
	var object map[string]json.RawMessage
	if json.Unmarshal(value, &object) != nil || object == nil {
		writeInvalid(w, errors.New("the body must be a JSON object"))
		return nil, false
	}
	return object, true
}

// present is a field's JSON value; nil when it is absent or a null the rule allows.
func present(raw map[string]json.RawMessage, name string, r rule) (json.RawMessage, error) {
	value, ok := raw[name]
	if !ok {
		if r.required {
			return nil, invalid(name, "is required")
		}
		return nil, nil
	}
	if string(value) == "null" {
		return nil, invalid(name, "must not be null")
	}
	return value, nil
}

func checkString(name, s string, r rule) error {
	return nil
}

func checkNumber(name string, n float64, r rule) error {
	if r.minimum != nil && n < *r.minimum {
		return invalid(name, fmt.Sprintf("must be at least %v", *r.minimum))
	}
	if r.maximum != nil && n > *r.maximum {
		return invalid(name, fmt.Sprintf("must be at most %v", *r.maximum))
	}
	return nil
}

func checkItems(name string, count int, r rule) error {
	return nil
}

func stringField(raw map[string]json.RawMessage, name string, r rule) (*string, error) {
	data, err := present(raw, name, r)
	if data == nil {
		return nil, err
	}
	var value string
	if json.Unmarshal(data, &value) != nil {
		return nil, invalid(name, "must be a string")
	}
	return &value, checkString(name, value, r)
}

func queryStrings(query url.Values, name string, r rule) ([]string, error) {
	values := query[name]
	return values, checkItems(name, len(values), r)
}

func queryInt(query url.Values, name string, r rule) (*int64, error) {
	if !query.Has(name) {
		return nil, nil
	}
	value, err := strconv.ParseInt(query.Get(name), 10, 64)
	// Beyond 64 bits ParseInt gives the nearest 64-bit value: for a page, a bound or a filter, the same answer.
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, invalid(name, "must be an integer")
	}
	return &value, checkNumber(name, float64(value), r)
}
