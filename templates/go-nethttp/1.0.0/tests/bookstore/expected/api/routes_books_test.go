package api

// Tests of /books: every operation's success, not-found and invalid-input behaviour.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

const sampleBooks = "{\"title\": \"sample-text\", \"authorId\": \"d23f0824-128b-4f33-8c5c-7fd0a6a3a450\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"], \"createdAt\": \"2026-01-15T09:30:00Z\"}"

// booksURL is the collection's path.
func booksURL() string {
	return "/books"
}

// seedBooks stores an item (the sample with changes) directly and returns its key.
func seedBooks(t *testing.T, s *Server, changes map[string]any) (string, Book) {
	t.Helper()
	fields := merged(t, sampleBooks, changes)
	key := newUUID()
	fields["id"] = key
	item := into[Book](t, fields)
	s.store.Books.Put(key, item)
	return key, item
}

// listedBooks is the keys of the items a list answer holds, in order.
func listedBooks(t *testing.T, recorder *httptest.ResponseRecorder) []string {
	t.Helper()
	expectStatus(t, recorder, http.StatusOK)
	page := decodeJSON[map[string]json.RawMessage](t, recorder)
	var items []map[string]any
	if err := json.Unmarshal(page["items"], &items); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for _, item := range items {
		keys = append(keys, fmt.Sprint(item["id"]))
	}
	return keys
}

func TestListBooksReturnsTheStoredItems(t *testing.T) {
	s := newTestServer()
	first, _ := seedBooks(t, s, nil)
	second, _ := seedBooks(t, s, nil)
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL()+"", "", true))
	if !slices.Equal(keys, []string{first, second}) {
		t.Fatalf("listed %v, want %v", keys, []string{first, second})
	}
}

func TestListBooksHonoursLimit(t *testing.T) {
	s := newTestServer()
	first, _ := seedBooks(t, s, nil)
	second, _ := seedBooks(t, s, nil)
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL()+"?limit=1", "", true))
	if want := []string{first}; !slices.Equal(keys, want) {
		t.Fatalf("listed %v, want %v", keys, want)
	}
	_, _ = first, second
}

func TestListBooksHonoursOffset(t *testing.T) {
	s := newTestServer()
	first, _ := seedBooks(t, s, nil)
	second, _ := seedBooks(t, s, nil)
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL()+"?offset=1", "", true))
	if want := []string{second}; !slices.Equal(keys, want) {
		t.Fatalf("listed %v, want %v", keys, want)
	}
	_, _ = first, second
}

func TestListBooksFiltersByGenre(t *testing.T) {
	s := newTestServer()
	wanted, _ := seedBooks(t, s, merged(t, "{\"genre\": \"fiction\"}", nil))
	seedBooks(t, s, merged(t, "{\"genre\": \"non-fiction\"}", nil))
	keys := listedBooks(t, call(t, s, http.MethodGet, booksURL()+"?genre=fiction", "", true))
	if !slices.Equal(keys, []string{wanted}) {
		t.Fatalf("listed %v, want only %v", keys, wanted)
	}
}

func TestListBooksRefusesInvalidParameters(t *testing.T) {
	s := newTestServer()
	for _, query := range []string{
		"?limit=x",
		"?limit=0",
		"?limit=101",
		"?offset=x",
		"?offset=-1",
		"?genre=specloom-not-listed",
	} {
		expectError(t, call(t, s, http.MethodGet, booksURL()+query, "", true), http.StatusUnprocessableEntity)
	}
}

func TestCreateBookStoresTheItem(t *testing.T) {
	s := newTestServer()
	body := "{\"title\": \"sample-text\", \"authorId\": \"90c192cf-d3ac-44af-8f21-ddb66cad4a26\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}"
	recorder := call(t, s, http.MethodPost, booksURL()+"", body, true)
	expectStatus(t, recorder, 201)
	expectFields(t, recorder, body)
	if stored := len(s.store.Books.List()); stored != 1 {
		t.Fatalf("%d items stored, want 1", stored)
	}
}

func TestCreateBookTakesOnlyTheRequiredFields(t *testing.T) {
	s := newTestServer()
	expectStatus(t, call(t, s, http.MethodPost, booksURL()+"", "{\"title\": \"sample-text\", \"authorId\": \"8d116ece-1738-47d9-bd9c-172411e20b8f\", \"genre\": \"fiction\"}", true), 201)
}

func TestCreateBookRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	target := booksURL() + ""
	for what, body := range map[string]string{
		"title of the wrong type":       "{\"title\": 12345, \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title missing":                 "{\"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title null":                    "{\"title\": null, \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title too short":               "{\"title\": \"\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title too long":                "{\"title\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId of the wrong type":    "{\"title\": \"sample-text\", \"authorId\": 12345, \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId missing":              "{\"title\": \"sample-text\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId null":                 "{\"title\": \"sample-text\", \"authorId\": null, \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId not a uuid":           "{\"title\": \"sample-text\", \"authorId\": \"not-a-valid-value\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre of the wrong type":       "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": 12345, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre missing":                 "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre null":                    "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": null, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre not one of its values":   "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"specloom-not-listed\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn of the wrong type":        "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": 12345, \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn null":                     "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": null, \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn not matching its pattern": "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"!\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"publishedOn of the wrong type": "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": 12345, \"tags\": [\"sample-text\"]}",
		"publishedOn null":              "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": null, \"tags\": [\"sample-text\"]}",
		"publishedOn not a date":        "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"not-a-valid-value\", \"tags\": [\"sample-text\"]}",
		"tags of the wrong type":        "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": \"x\"}",
		"tags null":                     "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": null}",
		"tags too long":                 "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\"]}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "POST", target, "{", true), http.StatusBadRequest)
}

func TestGetBookAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", booksURL()+"/"+"00000000-0000-4000-8000-000000000000"+"", "", true), http.StatusNotFound)
}

func TestGetBookReturnsTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedBooks(t, s, nil)
	recorder := call(t, s, http.MethodGet, booksURL()+"/"+key+"", "", true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, sampleBooks)
}

func TestReplaceBookAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "PUT", booksURL()+"/"+"00000000-0000-4000-8000-000000000000"+"", "{\"title\": \"sample-text\", \"authorId\": \"0cb1e29c-658c-4a14-95e6-0af593bd04cf\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}", true), http.StatusNotFound)
}

func TestReplaceBookChangesTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedBooks(t, s, nil)
	body := "{\"title\": \"sample-text\", \"authorId\": \"0cb1e29c-658c-4a14-95e6-0af593bd04cf\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}"
	recorder := call(t, s, "PUT", booksURL()+"/"+key+"", body, true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, body)
}

func TestReplaceBookRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	key, _ := seedBooks(t, s, nil)
	target := booksURL() + "/" + key + ""
	for what, body := range map[string]string{
		"title of the wrong type":       "{\"title\": 12345, \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title missing":                 "{\"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title null":                    "{\"title\": null, \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title too short":               "{\"title\": \"\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"title too long":                "{\"title\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId of the wrong type":    "{\"title\": \"sample-text\", \"authorId\": 12345, \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId missing":              "{\"title\": \"sample-text\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId null":                 "{\"title\": \"sample-text\", \"authorId\": null, \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"authorId not a uuid":           "{\"title\": \"sample-text\", \"authorId\": \"not-a-valid-value\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre of the wrong type":       "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": 12345, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre missing":                 "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre null":                    "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": null, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"genre not one of its values":   "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"specloom-not-listed\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn of the wrong type":        "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": 12345, \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn null":                     "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": null, \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"isbn not matching its pattern": "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"!\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
		"publishedOn of the wrong type": "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": 12345, \"tags\": [\"sample-text\"]}",
		"publishedOn null":              "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": null, \"tags\": [\"sample-text\"]}",
		"publishedOn not a date":        "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"not-a-valid-value\", \"tags\": [\"sample-text\"]}",
		"tags of the wrong type":        "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": \"x\"}",
		"tags null":                     "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": null}",
		"tags too long":                 "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\"]}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "PUT", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "PUT", target, "{", true), http.StatusBadRequest)
}

func TestDeleteBookAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "DELETE", booksURL()+"/"+"00000000-0000-4000-8000-000000000000"+"", "", true), http.StatusNotFound)
}

func TestDeleteBookRemovesTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedBooks(t, s, nil)
	expectStatus(t, call(t, s, http.MethodDelete, booksURL()+"/"+key+"", "", true), 204)
	if _, found := s.store.Books.Get(key); found {
		t.Fatal("the item is still stored")
	}
}
