package api

// Tests of /pets: every operation's success, not-found and invalid-input behaviour.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
)

const samplePets = "{\"name\": \"sample-text\", \"tag\": \"sample-text\"}"

// petsURL is the collection's path.
func petsURL() string {
	return "/pets"
}

// seedPets stores an item (the sample with changes) directly and returns its key.
func seedPets(t *testing.T, s *Server, changes map[string]any) (string, Pet) {
	t.Helper()
	fields := merged(t, samplePets, changes)
	id := s.store.Pets.NextID()
	key := strconv.FormatInt(id, 10)
	fields["id"] = id
	item := into[Pet](t, fields)
	s.store.Pets.Put(key, item)
	return key, item
}

// listedPets is the keys of the items a list answer holds, in order.
func listedPets(t *testing.T, recorder *httptest.ResponseRecorder) []string {
	t.Helper()
	expectStatus(t, recorder, http.StatusOK)
	items := decodeJSON[[]map[string]any](t, recorder)
	keys := []string{}
	for _, item := range items {
		keys = append(keys, fmt.Sprint(item["id"]))
	}
	return keys
}

func TestFindPetsReturnsTheStoredItems(t *testing.T) {
	s := newTestServer()
	first, _ := seedPets(t, s, nil)
	second, _ := seedPets(t, s, nil)
	keys := listedPets(t, call(t, s, http.MethodGet, petsURL()+"", "", true))
	if !slices.Equal(keys, []string{first, second}) {
		t.Fatalf("listed %v, want %v", keys, []string{first, second})
	}
}

func TestFindPetsHonoursLimit(t *testing.T) {
	s := newTestServer()
	first, _ := seedPets(t, s, nil)
	second, _ := seedPets(t, s, nil)
	keys := listedPets(t, call(t, s, http.MethodGet, petsURL()+"?limit=1", "", true))
	if want := []string{first}; !slices.Equal(keys, want) {
		t.Fatalf("listed %v, want %v", keys, want)
	}
	_, _ = first, second
}

func TestFindPetsFiltersByTags(t *testing.T) {
	s := newTestServer()
	wanted, _ := seedPets(t, s, merged(t, "{\"tag\": \"sample-text\"}", nil))
	seedPets(t, s, merged(t, "{\"tag\": \"sample-texb\"}", nil))
	keys := listedPets(t, call(t, s, http.MethodGet, petsURL()+"?tags=sample-text", "", true))
	if !slices.Equal(keys, []string{wanted}) {
		t.Fatalf("listed %v, want only %v", keys, wanted)
	}
}

func TestFindPetsRefusesInvalidParameters(t *testing.T) {
	s := newTestServer()
	for _, query := range []string{
		"?limit=x",
		"?limit=-2147483649",
		"?limit=2147483648",
	} {
		expectError(t, call(t, s, http.MethodGet, petsURL()+query, "", true), http.StatusUnprocessableEntity)
	}
}

func TestAddPetStoresTheItem(t *testing.T) {
	s := newTestServer()
	body := "{\"name\": \"sample-text\", \"tag\": \"sample-text\"}"
	recorder := call(t, s, http.MethodPost, petsURL()+"", body, true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, body)
	if stored := len(s.store.Pets.List()); stored != 1 {
		t.Fatalf("%d items stored, want 1", stored)
	}
}

func TestAddPetTakesOnlyTheRequiredFields(t *testing.T) {
	s := newTestServer()
	expectStatus(t, call(t, s, http.MethodPost, petsURL()+"", "{\"name\": \"sample-text\"}", true), 200)
}

func TestAddPetRefusesInvalidBodies(t *testing.T) {
	s := newTestServer()
	target := petsURL() + ""
	for what, body := range map[string]string{
		"name of the wrong type": "{\"name\": 12345, \"tag\": \"sample-text\"}",
		"name missing":           "{\"tag\": \"sample-text\"}",
		"name null":              "{\"name\": null, \"tag\": \"sample-text\"}",
		"tag of the wrong type":  "{\"name\": \"sample-text\", \"tag\": 12345}",
		"tag null":               "{\"name\": \"sample-text\", \"tag\": null}",
	} {
		t.Run(what, func(t *testing.T) {
			expectError(t, call(t, s, "POST", target, body, true), http.StatusUnprocessableEntity)
		})
	}
	expectError(t, call(t, s, "POST", target, "{", true), http.StatusBadRequest)
}

func TestFindPetByIDAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", petsURL()+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestFindPetByIDAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "GET", petsURL()+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestFindPetByIDReturnsTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedPets(t, s, nil)
	recorder := call(t, s, http.MethodGet, petsURL()+"/"+key+"", "", true)
	expectStatus(t, recorder, 200)
	expectFields(t, recorder, samplePets)
}

func TestDeletePetAnswers404ForAnUnknownID(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "DELETE", petsURL()+"/"+"987654321"+"", "", true), http.StatusNotFound)
}

func TestDeletePetAnswers404ForAnIDThatIsNoInteger(t *testing.T) {
	s := newTestServer()
	expectError(t, call(t, s, "DELETE", petsURL()+"/"+"x"+"", "", true), http.StatusNotFound)
}

func TestDeletePetRemovesTheItem(t *testing.T) {
	s := newTestServer()
	key, _ := seedPets(t, s, nil)
	expectStatus(t, call(t, s, http.MethodDelete, petsURL()+"/"+key+"", "", true), 204)
	if _, found := s.store.Pets.Get(key); found {
		t.Fatal("the item is still stored")
	}
}
