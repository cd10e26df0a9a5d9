// Command gencorpus writes a mixed corpus of tracking-number inputs, one a
// line, for measuring `waypost detect` in bulk:
//
//	go run ./trackno/corpus/gencorpus -n 1000000 > numbers.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/waypost/waypost/trackno/corpus"
)

func main() {
	n := flag.Int("n", 1000000, "how many lines")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	for _, s := range corpus.Generate(*n, *seed) {
		fmt.Fprintln(w, s)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
