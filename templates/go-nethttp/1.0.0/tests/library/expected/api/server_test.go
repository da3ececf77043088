package api

// What every operation shares: unknown routes and methods, bodies that are no JSON object, credentials, serving.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// errorFields are the fields every error answer carries.
var errorFields = []string{"code", "detail"}

const testToken = "specloom-test-credential"

func newTestServer() *Server {
	return NewServer(NewStore(), []string{testToken})
}

// call sends a request to s; with signed set it carries the test credential.
func call(t *testing.T, s *Server, method, target, body string, signed bool) *httptest.ResponseRecorder {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	request := httptest.NewRequest(method, target, reader)
	if body != "" {
		request.Header.Set("Content-Type", "application/json")
	}
	if signed {
		sign(request, testToken)
	}
	recorder := httptest.NewRecorder()
	s.ServeHTTP(recorder, request)
	return recorder
}

func sign(request *http.Request, credential string) {
	request.Header.Set("X-API-Key", credential)
}

func decodeJSON[T any](t *testing.T, recorder *httptest.ResponseRecorder) T {
	t.Helper()
	var value T
	if err := json.Unmarshal(recorder.Body.Bytes(), &value); err != nil {
		t.Fatalf("the answer is not JSON: %v: %s", err, recorder.Body)
	}
	return value
}

func expectStatus(t *testing.T, recorder *httptest.ResponseRecorder, status int) {
	t.Helper()
	if recorder.Code != status {
		t.Fatalf("status %d, want %d: %s", recorder.Code, status, recorder.Body)
	}
}

// expectError checks the status and that the body has the spec's error shape.
func expectError(t *testing.T, recorder *httptest.ResponseRecorder, status int) {
	t.Helper()
	expectStatus(t, recorder, status)
	if media := recorder.Header().Get("Content-Type"); media != errorMediaType {
		t.Fatalf("error answered as %q, want %q", media, errorMediaType)
	}
	body := decodeJSON[map[string]any](t, recorder)
	for _, name := range errorFields {
		if _, ok := body[name]; !ok {
			t.Fatalf("error body %v lacks %q", body, name)
		}
	}
}

// merged is base (a JSON object) with the fields of changes set.
func merged(t *testing.T, base string, changes map[string]any) map[string]any {
	t.Helper()
	fields := map[string]any{}
	if err := json.Unmarshal([]byte(base), &fields); err != nil {
		t.Fatal(err)
	}
	for name, value := range changes {
		fields[name] = value
	}
	return fields
}

// into reads fields (JSON-ready values) into a T, as a client's JSON would be read.
func into[T any](t *testing.T, fields map[string]any) T {
	t.Helper()
	data, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	var value T
	if err := json.Unmarshal(data, &value); err != nil {
		t.Fatal(err)
	}
	return value
}

// expectFields checks that the answer shows each sent field as it was sent.
func expectFields(t *testing.T, recorder *httptest.ResponseRecorder, sent string, kept ...string) {
	t.Helper()
	shown := decodeJSON[map[string]any](t, recorder)
	for name, value := range merged(t, sent, nil) {
		if value == nil || slices.Contains(kept, name) {
			continue
		}
		if got, _ := json.Marshal(shown[name]); string(got) != mustJSON(t, value) {
			t.Fatalf("%s is %s, want %s", name, got, mustJSON(t, value))
		}
	}
}

func mustJSON(t *testing.T, value any) string {
	t.Helper()
	data, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestAnUnknownPathAnswers404InTheErrorShape(t *testing.T) {
	expectError(t, call(t, newTestServer(), http.MethodGet, "/specloom-no-such-path", "", true), http.StatusNotFound)
}

func TestAnUndeclaredMethodAnswers405WithAllow(t *testing.T) {
	recorder := call(t, newTestServer(), "TRACE", "/shelves", "", true)
	expectError(t, recorder, http.StatusMethodNotAllowed)
	if recorder.Header().Get("Allow") == "" {
		t.Fatal("no Allow header")
	}
}

func TestABodyThatIsNotJSONIsRefused(t *testing.T) {
	s := newTestServer()
	target := "/shelves" + ""
	for name, body := range map[string]string{"malformed": "{", "trailing": "{} {}"} {
		t.Run(name, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusBadRequest)
		})
	}
	expectError(t, call(t, s, "POST", target, "[1, 2]", true), http.StatusUnprocessableEntity)
	request := httptest.NewRequest("POST", target, strings.NewReader("{}"))
	request.Header.Set("Content-Type", "text/plain")
	sign(request, testToken)
	recorder := httptest.NewRecorder()
	s.ServeHTTP(recorder, request)
	expectError(t, recorder, http.StatusUnsupportedMediaType)
}

func TestSecuredOperationsRefuseMissingAndWrongCredentials(t *testing.T) {
	s := newTestServer()
	for _, target := range [][2]string{
		{"GET", "/shelves"},
		{"POST", "/shelves"},
		{"GET", "/shelves/987654321"},
		{"DELETE", "/shelves/987654321"},
		{"PATCH", "/shelves/987654321"},
		{"GET", "/shelves/1/books"},
		{"POST", "/shelves/1/books"},
		{"GET", "/shelves/1/books/987654321"},
		{"DELETE", "/shelves/1/books/987654321"},
	} {
		expectError(t, call(t, s, target[0], target[1], "", false), http.StatusUnauthorized)
		request := httptest.NewRequest(target[0], target[1], nil)
		sign(request, "wrong-credential")
		recorder := httptest.NewRecorder()
		s.ServeHTTP(recorder, request)
		expectError(t, recorder, http.StatusUnauthorized)
	}
}

func TestNewHTTPServerServesOnPortDefault8000(t *testing.T) {
	env := map[string]string{}
	server := NewHTTPServer(func(name string) string { return env[name] })
	if server.Addr != ":8000" || server.Handler == nil {
		t.Fatalf("serves on %q", server.Addr)
	}
	env["PORT"] = "9123"
	env[AuthEnv] = "first, ,second"
	server = NewHTTPServer(func(name string) string { return env[name] })
	if server.Addr != ":9123" {
		t.Fatalf("serves on %q", server.Addr)
	}
	if tokens := server.Handler.(*Server).tokens; !slices.Equal(tokens, []string{"first", "second"}) {
		t.Fatalf("tokens %v", tokens)
	}
}
