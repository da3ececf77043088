// Command server serves Library on $PORT (default 8000).
package main

import (
	"log"
	"os"

	"library/api"
)

func main() {
	log.Fatal(api.NewHTTPServer(os.Getenv).ListenAndServe())
}
