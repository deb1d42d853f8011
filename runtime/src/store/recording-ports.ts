/** One stored object of a call recording (the WAV or its JSON sidecar). */
export interface RecordingObject {
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** A finished call's recording waiting to be stored; its objects are built when its upload starts. */
export interface PendingRecording {
  /** For logs: the session id. */
  readonly name: string;
  /** Buffer bytes it holds of the process's recording budget; given back once stored or dropped. */
  readonly reservedBytes: number;
  /** Builds the objects (the WAV in slices, off the event loop's long tasks). */
  objects(): Promise<readonly RecordingObject[]>;
}

/** Where recordings are written: an S3 bucket, or the local data directory. Rejects on failure. */
export interface RecordingObjectStore {
  put(object: RecordingObject): Promise<void>;
}
