/**
 * HTTP helpers shared by the terminal and cooperative API, the portal and the ops port: problem
 * answers, HEAD answers, JSON writing and cooperative file serving. Runs on Vert.x event loops.
 */
package id.lumbung.web;
