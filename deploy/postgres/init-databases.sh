#!/bin/sh
# One database per service, each owned by its own role (docker-compose runs this once, on an
# empty data volume). Each role's password comes from the environment (docker-compose.yml
# requires them), so no password is written in the repository.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v deliverables_password="$DELIVERABLES_DB_PASSWORD" \
  -v directory_password="$DIRECTORY_DB_PASSWORD" \
  -v notifications_password="$NOTIFICATIONS_DB_PASSWORD" \
  -v gateway_password="$GATEWAY_DB_PASSWORD" <<'SQL'
CREATE ROLE deliverables LOGIN PASSWORD :'deliverables_password';
CREATE ROLE directory LOGIN PASSWORD :'directory_password';
CREATE ROLE notifications LOGIN PASSWORD :'notifications_password';
CREATE ROLE gateway LOGIN PASSWORD :'gateway_password';

CREATE DATABASE deliverables OWNER deliverables;
CREATE DATABASE directory OWNER directory;
CREATE DATABASE notifications OWNER notifications;
CREATE DATABASE gateway OWNER gateway;
SQL
