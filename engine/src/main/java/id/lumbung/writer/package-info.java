/**
 * The single journal writer thread (lumbung-journal-writer) with group commit, its allocation-free
 * post lane, and the payment service event loops call (it only enqueues). Only the writer thread
 * runs the payment book, appends and forces.
 */
package id.lumbung.writer;
