package api

// Tests of /shelves: every operation's success, not-found and invalid-input behaviour.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
)

const sampleShelves = "{\"label\": \"sample-text\", \"floor\": 1}"

// shelvesURL is the collection's path.
func shelvesURL() string {
	return "/shelves"
}

// seedShelves stores an item (the sample with changes) directly and returns its key.
func seedShelves(t *testing.T, s *Server, changes map[string]any) (string, Shelf) {
	t.Helper()
	fields := merged(t, sampleShelves, changes)
	id := s.store.Shelves.NextID()
	key := strconv.FormatInt(id, 10)
	fields["id"] = id
	item := into[Shelf](t, fields)
	s.store.Shelves.Put(key, item)
	return key, item
}

// listedShelves is the keys of the items a list answer holds, in order.
func listedShelves(t *testing.T, recorder *httptest.ResponseRecorder) []string {
	t.Helper()
	expectStatus(t, recorder, http.StatusOK)
	items := decodeJSON[[]map[string]any](t, recorder)
	keys := []string{}
	for _, item := range items {
		keys = append(keys, fmt.Sprint(item["id"]))
	}
	return keys
}

func TestListShelvesReturnsTheStoredItems(t *testing.T) {
	s := newTestServer()
	first, _ := seedShelves(t, s, nil)
	second, _ := seedShelves(t, s, nil)
	keys := listedShelves(t, call(t, s, http.MethodGet, shelvesURL()+"", "", true))
	if !slices.Equal(keys, []string{first, second}) {
		t.Fatalf("listed %v, want %v", keys, []string{first, second})
	}
}

func TestListShelvesHonoursLimit(t *testing.T) {
	s := newTestServer()
	first, _ := seedShelves(t, s, nil)
	second, _ := seedShelves(t, s, nil)
	keys := listedShelves(t, call(t, s, http.MethodGet, shelvesURL()+"?limit=1", "", true))
	if want := []string{first}; !slices.Equal(keys, want) {
		t.Fatalf("listed %v, want %v", keys, want)
	}
	_, _ = first, second
}

func TestListShelvesHonoursOffset(t *testing.T) {
	s := newTestServer()
	first, _ := seedShelves(t, s, nil)
	second, _ := seedShelves(t, s, nil)
	keys := listedShelves(t, call(t, s, http.MethodGet, shelvesURL()+"?offset=1", "", true))
	if want := []string{second}; !slices.Equal(keys, want) {
		t.Fatalf("listed %v, want %v", keys, want)
	}
	_, _ = first, second
}

func TestListShelvesRefusesInvalidParameters(t *testing.T) {
	s := newTestServer()
	for _, query := range []string{
		"?limit=x",
		"?limit=0",
		"?limit=51",
		"?offset=x",
		"?offset=-1",
	} {
		expectError(t, call(t, s, http.MethodGet, shelvesURL()+query, "", true), http.StatusUnprocessableEntity)
	}
}

func TestCreateShelfStoresTheItem(t *testing.T) {
	s := newTestServer()
	body := "{\"label\": \"sample-text\", \"floor\": 1}"
	recorder := call(t, s, http.MethodPost, shelvesURL()+"", body, true)
	expectStatus(t, recorder, 201)
	expectFields(t, recorder, body)
	if stored := len(s.store.Shelves.List()); stored != 1 {
		t.Fatalf("%d items stored, want 1", stored)
	}
}

func TestCreateShelfTakesOnlyTheRequiredFields(t *testing.T) {
	s := newTestServer()
	expectStatus(t, call(t, s, http.MethodPost, shelvesURL()+"", "{\"label\": \"sample-text\"}", true), 201)
}

func TestCreateShelfRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	target := shelvesURL() + ""
	for what, body := range map[string]string{
		"label of the wrong type": "{\"label\": 12345, \"floor\": 1}",
		"label missing":           "{\"floor\": 1}",
		"label null":              "{\"label\": null, \"floor\": 1}",
		"label too short":         "{\"label\": \"\", \"floor\": 1}",
		"label too long":          "{\"label\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"floor\": 1}",
		"floor of the wrong type": "{\"label\": \"sample-text\", \"floor\": \"x\"}",
		"floor below its minimum": "{\"label\": \"sample-text\", \"floor\": -1}",
		"floor above its maximum": "{\"label\": \"sample-text\", \"floor\": 10}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "POST", target, "{", true), http.StatusBadRequest)
}

func TestCreateShelfTakesNullWhereTheSchemaAllowsIt(t *testing.T) {
	s := newTestServer()
	target := shelvesURL() + ""
	expectStatus(t, call(t, s, "POST", target, "{\"label\": \"sample-text\", \"floor\": null}", true), 201)
}

func TestGetShelfAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", shelvesURL()+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestGetShelfAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", shelvesURL()+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestGetShelfReturnsTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedShelves(t, s, nil)
	recorder := call(t, s, http.MethodGet, shelvesURL()+"/"+key+"", "", true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, sampleShelves)
}

func TestDeleteShelfAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "DELETE", shelvesURL()+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestDeleteShelfAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "DELETE", shelvesURL()+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestDeleteShelfRemovesTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedShelves(t, s, nil)
	expectStatus(t, call(t, s, http.MethodDelete, shelvesURL()+"/"+key+"", "", true), 204)
	if _, found := s.store.Shelves.Get(key); found {
		t.Fatal("the item is still stored")
	}
}

func TestUpdateShelfAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "PATCH", shelvesURL()+"/"+"987654321"+"", "{\"label\": \"sample-text\", \"floor\": 1}", true), http.StatusNotFound)
}

func TestUpdateShelfAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "PATCH", shelvesURL()+"/"+"x"+"", "{\"label\": \"sample-text\", \"floor\": 1}", true), http.StatusNotFound)
}

func TestUpdateShelfChangesTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedShelves(t, s, nil)
	body := "{\"label\": \"sample-text\", \"floor\": 1}"
	recorder := call(t, s, "PATCH", shelvesURL()+"/"+key+"", body, true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, body)
}

func TestUpdateShelfRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	key, _ := seedShelves(t, s, nil)
	target := shelvesURL() + "/" + key + ""
	for what, body := range map[string]string{
		"an unknown field":        "{\"label\": \"sample-text\", \"floor\": 1, \"specloomUnknownField\": 1}",
		"label of the wrong type": "{\"label\": 12345, \"floor\": 1}",
		"label null":              "{\"label\": null, \"floor\": 1}",
		"label too short":         "{\"label\": \"\", \"floor\": 1}",
		"label too long":          "{\"label\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"floor\": 1}",
		"floor of the wrong type": "{\"label\": \"sample-text\", \"floor\": \"x\"}",
		"floor below its minimum": "{\"label\": \"sample-text\", \"floor\": -1}",
		"floor above its maximum": "{\"label\": \"sample-text\", \"floor\": 10}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "PATCH", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "PATCH", target, "{", true), http.StatusBadRequest)
}

func TestUpdateShelfTakesNullWhereTheSchemaAllowsIt(t *testing.T) {
	s := newTestServer()
	key, _ := seedShelves(t, s, nil)
	target := shelvesURL() + "/" + key + ""
	expectStatus(t, call(t, s, "PATCH", target, "{\"label\": \"sample-text\", \"floor\": null}", true), 200)
}
