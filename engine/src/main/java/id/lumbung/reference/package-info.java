/**
 * Reading the reference files: {@link id.lumbung.reference.ReferenceFiles} (the three CSV files of
 * a folder, or the demo set bundled in the jar) parses and checks them into the core's {@link
 * id.lumbung.core.reference.ReferenceData}; the delivery credentials file; and for demos and load
 * tests {@link id.lumbung.reference.DemoCredentials} and {@link
 * id.lumbung.reference.ReferenceDataGenerator}. CSV parsing and field checks are package-private.
 *
 * <p>Threads: the files are read at start-up on the main thread, before any listener opens, and on
 * an admin reload; the result is immutable and published through final fields.
 */
package id.lumbung.reference;
