// Package trackno recognises parcel tracking numbers: which carriers a
// number may belong to, whether its check digit holds, what it encodes,
// and where to track it.
//
// Detect takes one number as people paste it (see Normalize) and returns
// every candidate carrier, best first; DetectHints re-ranks them with what
// the caller knows (origin, destination, preferred or enabled carriers);
// Search finds every number in free text; a Detector does the same as
// Detect for bulk callers without allocating.
//
// The formats are Waypost's own tables (formats_*.go), written from
// published rules: the tracking_number_data specification for the 39
// definitions it has, and carrier and standards documents for the rest
// (UPU S10 for every post, Chinese consolidators and express companies,
// European parcel carriers, Japanese and Korean domestic numbers). Each
// format names its source; formats without a published check digit have
// none and score lower. Several carriers often share one shape, so a
// number usually has several candidates; Result explains how validity is
// decided.
//
// Matching uses no regular expressions: each format is compiled once into
// fixed-width segments tested with byte masks, formats are indexed by
// length and first character, and check digits are hand-written.
package trackno
