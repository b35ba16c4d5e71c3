/**
 * The cooperative portal at {@code /portal/} on the terminal port: server-rendered HTML pages for a
 * cooperative's treasurer (sign-in, batches with downloads, the 30-day chart, members with their
 * savings and dues, obligations with forms to add and end them, a member's statement with its CSV,
 * the year-end SHU table), in Indonesian and English, with one bundled stylesheet and no script.
 * Runs on the terminal port's Vert.x event loops, inside {@code HttpIngest}'s request handler:
 * pages are built from the settlement listing, the ledger and the reference data in memory; files
 * are served through the cooperative API's asynchronous reader; the statement and the SHU, which
 * read every batch of a period or a year, are built on a Vert.x worker thread; obligation forms are
 * handed to the journal writer and answered on the event loop. The session store is shared by
 * every event loop of the engine (a concurrent map in Vert.x's local shared data); nothing here
 * blocks an event loop or touches a file after start.
 */
package id.lumbung.portal;
