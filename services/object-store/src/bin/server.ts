// The image's default process (see deploy/service.Dockerfile): the S3 gateway.
import './gateway.ts';
