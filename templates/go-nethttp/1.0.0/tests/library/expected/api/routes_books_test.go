package api

// Tests of /shelves/{shelfId}/books: every operation's success, not-found and invalid-input behaviour.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
)

const sampleBooks = "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 1, \"addedAt\": \"2026-01-15T09:30:00Z\"}"

// booksURL is the collection's path under the parent with key parent.
func booksURL(parent string) string {
	return fmt.Sprintf("/shelves/%s/books", parent)
}

// seedBooks stores an item (the sample with changes) directly and returns its key.
func seedBooks(t *testing.T, s *Server, parent string, changes map[string]any) (string, Book) {
	t.Helper()
	fields := merged(t, sampleBooks, changes)
	id := s.store.Books.NextID()
	key := strconv.FormatInt(id, 10)
	fields["id"] = id
	parentID, _ := strconv.ParseInt(parent, 10, 64)
	fields["shelfId"] = parentID
	item := into[Book](t, fields)
	s.store.Books.Put(key, item)
	return key, item
}

// listedBooks is the keys of the items a list answer holds, in order.
func listedBooks(t *testing.T, recorder *httptest.ResponseRecorder) []string {
	t.Helper()
	expectStatus(t, recorder, http.StatusOK)
	items := decodeJSON[[]map[string]any](t, recorder)
	keys := []string{}
	for _, item := range items {
		keys = append(keys, fmt.Sprint(item["id"]))
	}
	return keys
}

func TestListShelfBooksReturnsTheStoredItems(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	first, _ := seedBooks(t, s, parent, nil)
	second, _ := seedBooks(t, s, parent, nil)
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL(parent)+"", "", true))
	if !slices.Equal(keys, []string{first, second}) {
		t.Fatalf("listed %v, want %v", keys, []string{first, second})
	}
}

func TestListShelfBooksFiltersByLanguage(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	wanted, _ := seedBooks(t, s, parent, merged(t, "{\"language\": \"en\"}", nil))
	seedBooks(t, s, parent, merged(t, "{\"language\": \"fr\"}", nil))
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL(parent)+"?language=en", "", true))
	if !slices.Equal(keys, []string{wanted}) {
		t.Fatalf("listed %v, want only %v", keys, wanted)
	}
}

func TestListShelfBooksRefusesInvalidParameters(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	for _, query := range []string{
		"?language=specloom-not-listed",
	} {
		expectError(t, call(t, s, http.MethodGet, booksURL(parent)+query, "", true), http.StatusUnprocessableEntity)
	}
}

func TestListShelfBooksAnswers404ForAnUnknownParent(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, http.MethodGet, booksURL("987654321")+"", "", true), http.StatusNotFound)
}

func TestCreateShelfBookStoresTheItem(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	body := "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 100}"
	recorder := call(t, s, http.MethodPost, booksURL(parent)+"", body, true)
	expectStatus(t, recorder, 201)
	expectFields(t, recorder, body)
	if stored := len(s.store.Books.List()); stored != 1 {
		t.Fatalf("%d items stored, want 1", stored)
	}
}

func TestCreateShelfBookTakesOnlyTheRequiredFields(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	expectStatus(t, call(t, s, http.MethodPost, booksURL(parent)+"", "{\"title\": \"sample-text\", \"language\": \"en\"}", true), 201)
}

func TestCreateShelfBookAnswers404ForAnUnknownParent(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, http.MethodPost, booksURL("987654321")+"", "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 100}", true), http.StatusNotFound)
}

func TestCreateShelfBookRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	target := booksURL(parent) + ""
	for what, body := range map[string]string{
		"title of the wrong type":        "{\"title\": 12345, \"language\": \"en\", \"pages\": 100}",
		"title missing":                  "{\"language\": \"en\", \"pages\": 100}",
		"title null":                     "{\"title\": null, \"language\": \"en\", \"pages\": 100}",
		"title too short":                "{\"title\": \"\", \"language\": \"en\", \"pages\": 100}",
		"language of the wrong type":     "{\"title\": \"sample-text\", \"language\": 12345, \"pages\": 100}",
		"language missing":               "{\"title\": \"sample-text\", \"pages\": 100}",
		"language null":                  "{\"title\": \"sample-text\", \"language\": null, \"pages\": 100}",
		"language not one of its values": "{\"title\": \"sample-text\", \"language\": \"specloom-not-listed\", \"pages\": 100}",
		"pages of the wrong type":        "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": \"x\"}",
		"pages null":                     "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": null}",
		"pages below its minimum":        "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 0}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "POST", target, "{", true), http.StatusBadRequest)
}

func TestGetShelfBookAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	expectError(t, call(t, s, "GET", booksURL(parent)+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestGetShelfBookAnswers404ForAnUnknownParent(t *testing.T) {
	s := newTestServer()
	target := booksURL("987654321") + "/" + "987654321" + ""
	expectError(t, call(t, s, "GET", target, "", true), http.StatusNotFound)
}

func TestGetShelfBookAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	expectError(t, call(t, s, "GET", booksURL(parent)+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestGetShelfBookReturnsTheItem(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	key, _ := seedBooks(t, s, parent, nil)
	recorder := call(t, s, http.MethodGet, booksURL(parent)+"/"+key+"", "", true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, sampleBooks)
}

func TestDeleteShelfBookAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	expectError(t, call(t, s, "DELETE", booksURL(parent)+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestDeleteShelfBookAnswers404ForAnUnknownParent(t *testing.T) {
	s := newTestServer()
	target := booksURL("987654321") + "/" + "987654321" + ""
	expectError(t, call(t, s, "DELETE", target, "", true), http.StatusNotFound)
}

func TestDeleteShelfBookAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	expectError(t, call(t, s, "DELETE", booksURL(parent)+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestDeleteShelfBookRemovesTheItem(t *testing.T) {
	s := newTestServer()
	parent, _ := seedShelves(t, s, nil)
	key, _ := seedBooks(t, s, parent, nil)
	expectStatus(t, call(t, s, http.MethodDelete, booksURL(parent)+"/"+key+"", "", true), 204)
	if _, found := s.store.Books.Get(key); found {
		t.Fatal("the item is still stored")
	}
}
