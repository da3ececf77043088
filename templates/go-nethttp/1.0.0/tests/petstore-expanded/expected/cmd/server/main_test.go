package main

// The command serves on $PORT: started here as a user starts it, and asked once.

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestMainServesOnPort(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	_ = listener.Close()
	t.Setenv("PORT", strconv.Itoa(port))
	go main()
	deadline := time.Now().Add(30 * time.Second)
	for {
		answer, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/specloom-no-such-path", port))
		if err == nil {
			_ = answer.Body.Close()
			if answer.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", answer.StatusCode)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing answers on port %d: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
