/** SHA-256 and hex parsing of 32-byte keys and digests, shared by the core and the shell. */
package id.lumbung.core.digest;
