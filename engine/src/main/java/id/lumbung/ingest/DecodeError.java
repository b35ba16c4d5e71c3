package id.lumbung.ingest;

import id.lumbung.web.Problem;

/**
 * A request that failed validation: the problem code and an engine-written detail.
 *
 * @param problem the code
 * @param detail what is wrong, naming the field
 */
record DecodeError(Problem problem, String detail) {
}
