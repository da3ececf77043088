package api

// Tests of /authors: every operation's success, not-found and invalid-input behaviour.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

const sampleAuthors = "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": 1}"

// authorsURL is the collection's path.
func authorsURL() string {
	return "/authors"
}

// seedAuthors stores an item (the sample with changes) directly and returns its key.
func seedAuthors(t *testing.T, s *Server, changes map[string]any) (string, Author) {
	t.Helper()
	fields := merged(t, sampleAuthors, changes)
	key := newUUID()
	fields["id"] = key
	item := into[Author](t, fields)
	s.store.Authors.Put(key, item)
	return key, item
}

// listedAuthors is the keys of the items a list answer holds, in order.
func listedAuthors(t *testing.T, recorder *httptest.ResponseRecorder) []string {
	t.Helper()
	expectStatus(t, recorder, http.StatusOK)
	items := decodeJSON[[]map[string]any](t, recorder)
	keys := []string{}
	for _, item := range items {
		keys = append(keys, fmt.Sprint(item["id"]))
	}
	return keys
}

func TestListAuthorsReturnsTheStoredItems(t *testing.T) {
	s := newTestServer()
	first, _ := seedAuthors(t, s, nil)
	second, _ := seedAuthors(t, s, nil)
	keys := listedAuthors(t, call(t, s, http.MethodGet, authorsURL()+"", "", true))
	if !slices.Equal(keys, []string{first, second}) {
		t.Fatalf("listed %v, want %v", keys, []string{first, second})
	}
}

func TestCreateAuthorStoresTheItem(t *testing.T) {
	s := newTestServer()
	body := "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": 1}"
	recorder := call(t, s, http.MethodPost, authorsURL()+"", body, true)
	expectStatus(t, recorder, 201)
	expectFields(t, recorder, body)
	if stored := len(s.store.Authors.List()); stored != 1 {
		t.Fatalf("%d items stored, want 1", stored)
	}
}

func TestCreateAuthorTakesOnlyTheRequiredFields(t *testing.T) {
	s := newTestServer()
	expectStatus(t, call(t, s, http.MethodPost, authorsURL()+"", "{\"name\": \"sample-text\"}", true), 201)
}

func TestCreateAuthorRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	target := authorsURL() + ""
	for what, body := range map[string]string{
		"name of the wrong type":  "{\"name\": 12345, \"email\": \"ada@example.com\", \"born\": 1}",
		"name missing":            "{\"email\": \"ada@example.com\", \"born\": 1}",
		"name null":               "{\"name\": null, \"email\": \"ada@example.com\", \"born\": 1}",
		"name too short":          "{\"name\": \"\", \"email\": \"ada@example.com\", \"born\": 1}",
		"email of the wrong type": "{\"name\": \"sample-text\", \"email\": 12345, \"born\": 1}",
		"email null":              "{\"name\": \"sample-text\", \"email\": null, \"born\": 1}",
		"email not a email":       "{\"name\": \"sample-text\", \"email\": \"not-a-valid-value\", \"born\": 1}",
		"born of the wrong type":  "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": \"x\"}",
		"born below its minimum":  "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": -1}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "POST", target, "{", true), http.StatusBadRequest)
}

func TestCreateAuthorTakesNullWhereTheSchemaAllowsIt(t *testing.T) {
	s := newTestServer()
	target := authorsURL() + ""
	expectStatus(t, call(t, s, "POST", target, "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": null}", true), 201)
}

func TestGetAuthorAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", authorsURL()+"/"+"00000000-0000-4000-8000-000000000000"+"", "", true), http.StatusNotFound)
}

func TestGetAuthorReturnsTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedAuthors(t, s, nil)
	recorder := call(t, s, http.MethodGet, authorsURL()+"/"+key+"", "", true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, sampleAuthors)
}
