package main

// Every connector Waypost ships is registered for every command.
import _ "github.com/waypost/waypost/carrier/all"
