import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

/**
 * Records of a batch source file: CSV (header line names the columns) or Parquet. Parquet row
 * groups are read one at a time, so memory follows the row group size, not the file size.
 */
export async function* readSourceFile(path: string): AsyncGenerator<Record<string, unknown>> {
  if (path.endsWith('.parquet')) {
    yield* readParquet(path);
    return;
  }
  for await (const record of createReadStream(path).pipe(
    parse({ columns: true, skip_empty_lines: true, trim: true }),
  )) {
    yield record as Record<string, unknown>;
  }
}

async function* readParquet(path: string): AsyncGenerator<Record<string, unknown>> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    yield* (await parquetReadObjects({ file, metadata, rowStart, rowEnd })) as Record<
      string,
      unknown
    >[];
    rowStart = rowEnd;
  }
}
