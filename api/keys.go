package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// KeyPrefix starts every API key, so that a leaked key is recognisable
// (secret scanners match on it).
const KeyPrefix = "wp_live_"

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// GenerateKey returns a new secret key: KeyPrefix and 40 random base-62
// characters (238 bits), with its hash and display prefix for storage.
func GenerateKey() (secret, hash, prefix string) {
	var b strings.Builder
	b.WriteString(KeyPrefix)
	buf := make([]byte, 64)
	for n := 0; n < 40; {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails
		for _, c := range buf {
			// 248 = 4*62: rejecting larger bytes keeps every character
			// equally likely.
			if c < 248 && n < 40 {
				b.WriteByte(keyAlphabet[c%62])
				n++
			}
		}
	}
	secret = b.String()
	return secret, HashKey(secret), DisplayPrefix(secret)
}

// HashKey is how keys are stored and looked up: the hex SHA-256 of the
// secret. A fast hash is enough because keys are long random strings,
// not passwords that could be guessed.
func HashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// DisplayPrefix is the part of a key shown in listings.
func DisplayPrefix(secret string) string {
	n := len(KeyPrefix) + 4
	if len(secret) < n {
		return secret
	}
	return secret[:n]
}
