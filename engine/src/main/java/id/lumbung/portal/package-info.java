/**
 * The cooperative portal at {@code /portal/} on the terminal port: server-rendered HTML pages for a
 * cooperative's treasurer (sign-in, batches with downloads, the 30-day chart, members), in
 * Indonesian and English, with one bundled stylesheet and no script. Runs on the terminal port's
 * Vert.x event loops only, inside {@code HttpIngest}'s request handler: pages are built from the
 * settlement listing, the ledger and the reference data in memory; files are served through the
 * cooperative API's asynchronous reader. The session store is shared by every event loop of the
 * engine (a concurrent map in Vert.x's local shared data); nothing here blocks or touches a file
 * after start.
 */
package id.lumbung.portal;
